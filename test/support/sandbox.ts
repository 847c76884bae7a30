/**
 * The SDK wired to a fresh embedded sandbox whose client is held to the official spec: the
 * configuration, the sandbox's control service and a current session.
 *
 * @module
 */
import { HttpClient } from "@effect/platform"
import { Context, Effect, Layer, Redacted } from "effect"
import { OttuAuth, OttuConfig, OttuSandbox, Session } from "../../src/index.ts"
import { withContract } from "./recording.ts"

/** The API key both the sandbox and the configuration use. */
export const sandboxKey = Redacted.make("sandbox-contract-key")

/** A configuration for the sandbox, with a default customer. */
export const sandboxConfig = (auth = OttuAuth.apiKey(sandboxKey)) =>
  OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth, customerId: "cust-7" })

/** A fresh sandbox with its control tag, its client checked against the contract. */
export const contractSandbox = (options?: Omit<OttuSandbox.SandboxOptions, "apiKey">) =>
  Layer.effectContext(
    Effect.map(Effect.context<HttpClient.HttpClient | OttuSandbox.OttuSandbox>(), (context) =>
      Context.add(
        context,
        HttpClient.HttpClient,
        withContract(Context.get(context, HttpClient.HttpClient)),
      ),
    ),
  ).pipe(Layer.provide(OttuSandbox.layerWithControl({ apiKey: sandboxKey, ...options })))

/** Configuration, current session and a contract-checked sandbox, fresh for each provide. */
export const onSandbox = (options?: Omit<OttuSandbox.SandboxOptions, "apiKey">) =>
  Layer.mergeAll(sandboxConfig(), Session.layer).pipe(Layer.provideMerge(contractSandbox(options)))

/**
 * POSTs a raw JSON body to a fresh sandbox, past the SDK's own checks, to see how the sandbox
 * answers what the SDK refuses to send: the status and the parsed answer.
 */
export const postToSandbox = (route: string, body: unknown) =>
  Effect.scoped(
    Effect.gen(function* () {
      const sandbox = yield* OttuSandbox.make()
      const response = yield* Effect.promise(() =>
        sandbox.handler(
          new Request(`https://${sandbox.host}${route}`, {
            method: "POST",
            headers: { authorization: "Api-Key any", "content-type": "application/json" },
            body: JSON.stringify(body),
          }),
        ),
      )
      const json: unknown = yield* Effect.promise(() => response.json())
      return { status: response.status, json }
    }),
  )
