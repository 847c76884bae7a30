/**
 * A stateful simulator of the Ottu API, written on `@effect/platform`'s `HttpRouter`. It answers
 * in process (as an `HttpClient` layer) or over the network (as a web handler for `Deno.serve`,
 * `Bun.serve` or Node), validates requests the way Ottu's Django REST Framework server does, and
 * keeps its checkout sessions in one `Ref` per sandbox.
 *
 * The simulator itself lives in `src/sandbox/`, one module per concept; this module is its
 * public face.
 *
 * @since 0.1.0
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import { clientOf } from "./sandbox/client.ts"
import { app } from "./sandbox/router.ts"
import { type Env, makeState, SandboxEnv, type SandboxState } from "./sandbox/state.ts"

/**
 * The gateway models: `Gateway`, `PaymentService` and `Plugin`.
 *
 * @since 0.1.0
 * @category models
 */
export type { Gateway, PaymentService, Plugin } from "./sandbox/gateways.ts"
/**
 * The sandbox's gateway catalogue: `pgCodes` names its gateways, `gateways` describes them.
 *
 * @since 0.1.0
 * @category catalogue
 */
export { gateways, pgCodes } from "./sandbox/gateways.ts"

/**
 * The state models: `SandboxState` and the `SandboxSession`s, `CheckoutState`s and
 * `CheckoutInput`s it holds.
 *
 * @since 0.1.0
 * @category models
 */
export type {
  CheckoutInput,
  CheckoutState,
  SandboxSession,
  SandboxState,
} from "./sandbox/state.ts"

/**
 * How to build a sandbox.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxOptions {
  /** The host used in the URLs the sandbox returns. Default `"sandbox.ottu.test"`. */
  readonly host?: string
  /** When set, `Api-Key` credentials must carry this key. Any key is accepted otherwise. */
  readonly apiKey?: Redacted.Redacted<string>
}

/**
 * A running sandbox: its web handler and its state, for the control APIs of later versions.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly host: string
  readonly handler: (request: Request) => Promise<Response>
  readonly state: Ref.Ref<SandboxState>
}

/**
 * The sandbox as a service, provided by {@link layerWithControl}.
 *
 * @since 0.1.0
 * @category tags
 */
export class OttuSandbox extends Context.Tag("effect-ottu/OttuSandbox")<OttuSandbox, Service>() {}

const defaultHost = "sandbox.ottu.test"

/** A fresh instance: its state, its web handler and the function that disposes of it. */
const build = (options: SandboxOptions = {}) =>
  Effect.map(makeState, (state) => {
    const env: Env = { host: options.host ?? defaultHost, apiKey: options.apiKey, state }
    const web = HttpApp.toWebHandlerLayer(app, Layer.succeed(SandboxEnv, env))
    const service: Service = {
      host: env.host,
      state,
      handler: (request) => web.handler(request),
    }
    return { service, dispose: web.dispose }
  })

/**
 * Builds a sandbox whose handler lives as long as the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: SandboxOptions): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(build(options), ({ dispose }) => Effect.promise(dispose)),
    ({ service }) => service,
  )

/**
 * A sandbox as a web handler, for `Deno.serve`, `Bun.serve` or a Node adapter. Call `dispose`
 * when the server stops.
 *
 * **Gotchas**: on Deno with a `node:http` server, call `server.closeAllConnections()` before
 * `server.close()`, or the process waits about 90 s for keep-alive connections.
 *
 * @since 0.1.0
 * @category constructors
 */
export const webHandler = (
  options?: SandboxOptions,
): {
  readonly handler: (request: Request) => Promise<Response>
  readonly dispose: () => Promise<void>
} => {
  const { service, dispose } = Effect.runSync(build(options))
  return { handler: service.handler, dispose }
}

/**
 * An `HttpClient` answered in process by a fresh sandbox, plus the {@link OttuSandbox} service
 * to inspect or drive it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithControl = (
  options?: SandboxOptions,
): Layer.Layer<HttpClient.HttpClient | OttuSandbox> =>
  Layer.scopedContext(
    Effect.map(make(options), (sandbox) =>
      Context.make(OttuSandbox, sandbox).pipe(
        Context.add(HttpClient.HttpClient, clientOf(sandbox.handler)),
      ),
    ),
  )

/**
 * An `HttpClient` answered in process by a fresh sandbox: provide it instead of
 * `FetchHttpClient.layer` and every Ottu call runs against the simulator. Any base URL works.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options?: SandboxOptions) => Layer.Layer<HttpClient.HttpClient> =
  layerWithControl
