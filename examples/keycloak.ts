/**
 * Keycloak authentication (ottu-py's `KeycloakClientAuth`): the SDK exchanges the client's
 * credentials for an access token, sends every call with `Authorization: Bearer <token>` and
 * `X-Service-ID: <realm>`, and shares the token between calls until it must be renewed.
 *
 * On the embedded sandbox (whose Keycloak realm knows the client) by default; against a real
 * instance when `OTTU_MERCHANT_ID` and the `OTTU_KEYCLOAK_*` variables are set:
 *
 *     OTTU_MERCHANT_ID=merchant.id.ottu.dev OTTU_KEYCLOAK_REALM=merchant.id.ottu.dev \
 *     OTTU_KEYCLOAK_CLIENT_ID=backend OTTU_KEYCLOAK_CLIENT_SECRET=… deno run -A examples/keycloak.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Checkout, OttuAuth, OttuConfig, OttuHttpClient, OttuSandbox } from "../src/index.ts"
import { realInstance, run } from "./ottu.ts"

const realm = "sandbox.ottu.test"
const clientSecret = Redacted.make("example-client-secret")

/** The sandbox's realm: one confidential client, allowed the client-credentials grant. */
const Sandbox = OttuSandbox.layer({
  keycloak: { realm, clients: [{ clientId: "backend", clientSecret }] },
})

const configFor = (secret: Redacted.Redacted<string>) =>
  OttuConfig.layer({
    merchantId: "sandbox.ottu.test",
    auth: OttuAuth.keycloakClient({ realm, clientId: "backend", clientSecret: secret }),
  })

const checkouts = Effect.gen(function* () {
  // Three calls at once: one token request, then the three calls with the same token.
  const sessions = yield* Effect.all(
    ["1", "2", "3"].map((order) =>
      Checkout.create({
        type: "e_commerce",
        amount: "12.500",
        currency_code: "KWD",
        pg_codes: ["knet"],
        order_no: `keycloak-${order}`,
      }),
    ),
    { concurrency: "unbounded" },
  )
  for (const session of sessions) yield* Console.log(`created ${session.session_id}`)
})

const program = Effect.gen(function* () {
  if (yield* realInstance) {
    return yield* checkouts.pipe(
      Effect.provide(Layer.merge(OttuConfig.layerConfig(), OttuHttpClient.layer)),
    )
  }
  yield* checkouts.pipe(Effect.provide(Layer.merge(configFor(clientSecret), Sandbox)))
  // A wrong secret: Keycloak refuses it, nothing is sent to Ottu, and the error names no secret.
  yield* Checkout.retrieve("0".repeat(40)).pipe(
    Effect.provide(Layer.merge(configFor(Redacted.make("wrong-secret")), Sandbox)),
    Effect.catchTag("OttuAuthError", (error) =>
      Console.log(`refused as expected: ${error.status} ${error.error}`),
    ),
  )
})

run(program)
