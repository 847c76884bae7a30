/**
 * The `Authenticator` of one `OttuConfig` layer: the fixed header of an API key, Basic or a
 * ready-made token; or the layer's Keycloak access token, held in a `SynchronizedRef` as the
 * `Deferred` of its request, so that concurrent calls wait for the one request in flight, a token
 * is replaced once its renewal time has come, a failed request is not kept (the next call asks
 * again), and a token Ottu refused is dropped by the call that saw the 401.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import {
  authorizationHeader,
  type FixedAuth,
  type KeycloakAuth,
  type OttuAuth,
} from "../OttuAuth.ts"
import type { Authenticator } from "../OttuConfig.ts"
import type { OttuAuthError } from "../OttuError.ts"
import { fetchToken, type Token, tokenUrl } from "./token.ts"

type Pending = Deferred.Deferred<Token, OttuAuthError>

/** True while the request is in flight, or when it gave a token whose renewal time is ahead. */
const usable = (pending: Pending): Effect.Effect<boolean> =>
  Effect.flatMap(Deferred.poll(pending), (done) =>
    Option.match(done, {
      onNone: () => Effect.succeed(true),
      onSome: (result) =>
        Effect.flatMap(Effect.exit(result), (exit) =>
          Exit.isSuccess(exit)
            ? Effect.map(Clock.currentTimeMillis, (now) => now < exit.value.renewAt)
            : Effect.succeed(false),
        ),
    }),
  )

const fixed = (auth: FixedAuth): Authenticator => {
  const credentials = {
    headers: Redacted.make({ authorization: Redacted.value(authorizationHeader(auth)) }),
    refused: undefined,
  }
  return { renewable: false, credentials: Effect.succeed(credentials) }
}

const keycloak = (
  auth: KeycloakAuth,
  url: string,
  timeout: Duration.Duration,
): Effect.Effect<Authenticator> =>
  Effect.map(SynchronizedRef.make(Option.none<Pending>()), (ref) => {
    const request = fetchToken(auth, url, timeout)
    // The request runs in a fiber of its own: a caller that is interrupted does not take the
    // token away from the calls waiting for it. The timeout bounds its life.
    const current = SynchronizedRef.modifyEffect(ref, (held) =>
      Effect.gen(function* () {
        if (Option.isSome(held) && (yield* usable(held.value))) return [held.value, held] as const
        const pending = yield* Deferred.make<Token, OttuAuthError>()
        yield* Effect.forkDaemon(Effect.intoDeferred(request, pending))
        return [pending, Option.some(pending)] as const
      }),
    )
    const service = auth._tag === "KeycloakClient" ? { "x-service-id": auth.realm } : {}
    return {
      renewable: true,
      credentials: Effect.flatMap(current, (pending) =>
        Effect.map(Deferred.await(pending), (token) => ({
          headers: Redacted.make({
            authorization: `Bearer ${Redacted.value(token.accessToken)}`,
            ...service,
          }),
          // Only this token is dropped: a newer one, fetched meanwhile, stays.
          refused: SynchronizedRef.update(ref, (held) =>
            Option.isSome(held) && held.value === pending ? Option.none() : held,
          ),
        })),
      ),
    }
  })

/**
 * The authenticator of `auth`. Keycloak tokens are requested from `https://<host>` when the
 * credentials name a host, from `origin` (the configured Ottu origin) otherwise, each request
 * within `timeout`.
 */
export const makeAuthenticator = (
  auth: OttuAuth,
  options: { readonly origin: string; readonly timeout: Duration.Duration },
): Effect.Effect<Authenticator> =>
  auth._tag === "KeycloakPassword" || auth._tag === "KeycloakClient"
    ? keycloak(auth, tokenUrl(auth, options.origin), options.timeout)
    : Effect.succeed(fixed(auth))
