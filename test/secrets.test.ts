import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Inspectable, Redacted } from "effect"
import { Checkout, OttuAuth, OttuConfig } from "../src/index.ts"
import { apiKey, authorizationOf, configLayer, runRecorded, sessionBody } from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const password = "pw-Q2xhc3NpZmllZA"
const basicCredentials = btoa(`ali:${password}`)
const secrets = [apiKey, password, basicCredentials]

/** Everything a value can be turned into text by: String, JSON, inspection. */
const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value) ?? "",
  Inspectable.format(value),
  Inspectable.toStringUnknown(value),
]

const expectNoSecret = (texts: ReadonlyArray<string>) => {
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret)
}

describe("secrets", () => {
  it("never appear when configuration and credentials are printed", () => {
    const withKey = Effect.runSync(
      OttuConfig.make({
        merchantId: "m.ottu.test",
        auth: OttuAuth.apiKey(Redacted.make(apiKey)),
      }),
    )
    const withBasic = Effect.runSync(
      OttuConfig.make({
        merchantId: "m.ottu.test",
        auth: OttuAuth.basic("ali", Redacted.make(password)),
      }),
    )
    expectNoSecret([...renderings(withKey), ...renderings(withBasic), ...renderings(withKey.auth)])
    expect(authorizationOf(withKey)).toBe(`Api-Key ${apiKey}`)
    expect(authorizationOf(withBasic)).toBe(`Basic ${basicCredentials}`)
  })

  for (const [name, reply] of [
    ["a success", { status: 201, json: sessionBody() }],
    ["a 401", { status: 401, json: { detail: "Invalid API key." } }],
    ["a 400", { status: 400, json: { amount: ["Invalid."] } }],
    ["a non-JSON success", { status: 201, text: "oops" }],
  ] as const) {
    for (const [authName, config] of [
      ["api key", configLayer()],
      ["basic", configLayer({ auth: OttuAuth.basic("ali", Redacted.make(password)) })],
    ] as const) {
      it.effect(`never appear in spans, logs or errors after ${name} (${authName})`, () =>
        Effect.gen(function* () {
          const { exit, spans, lines } = yield* captureTelemetry(
            runRecorded(
              Checkout.create({
                type: "e_commerce",
                amount: "1.000",
                currency_code: "KWD",
                pg_codes: ["knet"],
              }),
              reply,
              config,
            ).pipe(
              Effect.tap(({ exit }) =>
                Exit.isFailure(exit) ? Effect.logError("checkout failed", exit.cause) : Effect.void,
              ),
            ),
          )
          expect(Exit.isSuccess(exit)).toBe(true)
          if (Exit.isSuccess(exit)) {
            // The secret was really sent, so searching for it below is not vacuous.
            const sent = exit.value.requests[0]?.headers.authorization ?? ""
            expect(secrets.some((secret) => sent.includes(secret))).toBe(true)
          }
          const names = spans.map((s) => s.name)
          expect(names).toContain("Ottu.Checkout.create")
          const attributes = spans.flatMap((s) => [...s.attributes.entries()].map(String))
          expect(attributes).toContain("http.request.method,POST")
          expectNoSecret(attributes)
          expectNoSecret(lines)
          if (Exit.isSuccess(exit) && Exit.isFailure(exit.value.exit)) {
            const cause = exit.value.exit.cause
            expectNoSecret([Cause.pretty(cause), ...renderings(Cause.squash(cause))])
            expect(lines.some((line) => line.includes("checkout failed"))).toBe(true)
          }
        }),
      )
    }
  }
})
