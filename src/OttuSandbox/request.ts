/**
 * Reading a request the way Ottu's DRF server does: authentication (`Api-Key`, `Basic` or
 * `Bearer`; the key checked in constant time when the sandbox has one, a `Bearer` token against
 * the tokens its Keycloak realm issued when it has one), and the body parsers for
 * JSON, form-urlencoded and multipart bodies, with 400 and 415 answers for what they refuse.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as Multipart from "@effect/platform/Multipart"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { type Fields, object, UploadedFile } from "./checks.ts"
import type { Realm } from "./keycloak.ts"
import { detail, Reply } from "./reply.ts"
import { SandboxEnv } from "./state.ts"

const authorizationPattern = /^(Api-Key|Basic|Bearer)\s+(\S.*)$/i

/** Compares two secrets in time that depends only on their lengths. */
export const constantTimeEqual = (a: string, b: string): boolean => {
  const left = new TextEncoder().encode(a)
  const right = new TextEncoder().encode(b)
  let difference = left.length ^ right.length
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0)
  }
  return difference === 0
}

/**
 * Why a `Bearer` token is refused, or `undefined` when the realm issued it and it has not
 * expired.
 */
const checkToken = (realm: Realm, token: string): Effect.Effect<string | undefined> =>
  Effect.flatMap(Ref.get(realm.tokens), (tokens) =>
    Option.match(HashMap.get(tokens, token), {
      onNone: () => Effect.succeed("Invalid token."),
      onSome: ({ expiresAt }) =>
        Effect.map(Clock.currentTimeMillis, (now) =>
          now < expiresAt ? undefined : "Token is expired.",
        ),
    }),
  )

/**
 * Fails with 401 when the request has no credentials in a known scheme. A sandbox with a
 * Keycloak realm accepts the `Bearer` tokens the realm issued, until they expire, and no other
 * `Bearer` token. A sandbox made with an API key accepts that `Api-Key` (and the realm's tokens)
 * only; without either, any credentials in a known scheme pass.
 */
export const authenticate: Effect.Effect<
  void,
  Reply,
  SandboxEnv | HttpServerRequest.HttpServerRequest
> = Effect.gen(function* () {
  const { apiKey, keycloak } = yield* SandboxEnv
  const request = yield* HttpServerRequest.HttpServerRequest
  const match = authorizationPattern.exec(request.headers.authorization ?? "")
  if (match === null) {
    return yield* detail(401, "Authentication credentials were not provided.")
  }
  const [, scheme = "", credentials = ""] = match
  if (keycloak !== undefined && scheme.toLowerCase() === "bearer") {
    const refused = yield* checkToken(keycloak, credentials.trim())
    return refused === undefined ? undefined : yield* detail(401, refused)
  }
  if (apiKey === undefined) return
  if (scheme.toLowerCase() !== "api-key") {
    return yield* detail(401, "This sandbox accepts only its API key.")
  }
  if (!constantTimeEqual(credentials.trim(), Redacted.value(apiKey))) {
    return yield* detail(401, "Invalid API key.")
  }
})

/** Groups form entries: list fields keep every value, the others the last one (as DRF). */
const fromEntries = (
  entries: Iterable<readonly [string, unknown]>,
  lists: ReadonlySet<string>,
): Fields => {
  const grouped = new Map<string, unknown>()
  for (const [key, value] of entries) {
    const previous = grouped.get(key)
    grouped.set(
      key,
      !lists.has(key) ? value : Array.isArray(previous) ? [...previous, value] : [value],
    )
  }
  return Object.fromEntries(grouped)
}

const readText = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => request.text,
).pipe(Effect.mapError(() => detail(400, "The request body could not be read.")))

const jsonBody = Effect.gen(function* () {
  const text = yield* readText
  if (text === "") return {}
  const parsed: unknown = yield* Effect.try({
    try: () => JSON.parse(text),
    catch: (error) =>
      detail(400, `JSON parse error - ${error instanceof Error ? error.message : error}`),
  })
  return yield* Either.match(object(parsed), {
    onLeft: (messages) =>
      Effect.fail(new Reply({ status: 400, body: { non_field_errors: messages } })),
    onRight: Effect.succeed,
  })
})

const urlEncodedBody = (lists: ReadonlySet<string>) =>
  Effect.map(readText, (text) => fromEntries(new URLSearchParams(text), lists))

const partEntry = (
  part: Multipart.Part,
): Effect.Effect<readonly [string, unknown], Multipart.MultipartError> =>
  part._tag === "File"
    ? Effect.as(Stream.runDrain(part.content), [part.key, new UploadedFile({ name: part.name })])
    : Effect.succeed([part.key, part.value])

const multipartBody = (lists: ReadonlySet<string>) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.multipartStream.pipe(Stream.mapEffect(partEntry), Stream.runCollect),
  ).pipe(
    Effect.map((entries) => fromEntries(entries, lists)),
    Effect.mapError((error) => detail(400, `Multipart form parse error - ${error.message}`)),
  )

/**
 * Reads the body as DRF's parsers would: JSON, form-urlencoded or multipart; no content type
 * means no data; anything else is 415. `lists` names the fields a form may repeat.
 */
export const readBody = (
  lists: ReadonlySet<string>,
): Effect.Effect<Fields, Reply, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const contentType = request.headers["content-type"] ?? ""
    const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase()
    switch (mediaType) {
      case "":
        return {}
      case "application/json":
        return yield* jsonBody
      case "application/x-www-form-urlencoded":
        return yield* urlEncodedBody(lists)
      case "multipart/form-data":
        return yield* multipartBody(lists)
      default:
        return yield* detail(415, `Unsupported media type "${contentType}" in request.`)
    }
  })
