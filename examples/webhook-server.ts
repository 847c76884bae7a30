/**
 * Webhook receiver with persistence: serves `WebhookReceiver` on this runtime's own server
 * (`Deno.serve`, `Bun.serve`, or Node through `@effect/platform-node`), creates a checkout on the
 * sandbox with `webhook_url` pointing at it, pays it, and prints the verified event the sandbox
 * delivered and the stored checkout moving from `created` to `paid`. The receiver runs the store's
 * handler in confirm mode: each webhook is only a notification, and the checkout Ottu answers
 * (`Checkout.retrieve`) is what is applied, so no unsigned field of a body is trusted. Checkouts
 * and events are stored in a local SQLite file (`OTTU_DATABASE`, default
 * `webhook-example.sqlite`).
 *
 * The key is `OTTU_WEBHOOK_KEY` when set, an example key otherwise. Against a real instance
 * (`OTTU_*` set), Ottu must be able to reach the receiver's URL.
 *
 *   deno run -A examples/webhook-server.ts
 *   bun examples/webhook-server.ts
 *   npx tsx examples/webhook-server.ts
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import { Checkout, type OttuConfig, type Webhook, WebhookReceiver } from "../src/index.ts"
import { customerPays, OttuLive, run, webhookKey } from "./ottu.ts"

type Handler = (request: Request) => Promise<Response>

/** What this example uses of `Deno` and `Bun`, which Node's type definitions do not know. */
interface Runtimes {
  readonly Deno?: {
    serve(
      options: { hostname: string; port: number; signal: AbortSignal; onListen: () => void },
      handler: Handler,
    ): { readonly addr: { readonly port: number }; readonly finished: Promise<void> }
  }
  readonly Bun?: {
    serve(options: { hostname: string; port: number; fetch: Handler }): {
      readonly port: number
      stop(force: boolean): Promise<void> | void
    }
  }
}

const { Bun, Deno } = globalThis as Runtimes

/** A web handler served until the scope closes; the URL it listens on. */
const serveWeb = (
  listen: (handler: Handler) => { readonly port: number; readonly close: () => Promise<void> },
  options: WebhookReceiver.Options<unknown, never>,
): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const receiver = WebhookReceiver.webHandler(options)
      return { receiver, server: listen(receiver.handler) }
    }),
    ({ receiver, server }) => Effect.promise(() => server.close().then(receiver.dispose)),
  ).pipe(Effect.map(({ server }) => `http://127.0.0.1:${server.port}/ottu/webhook`))

/** The receiver as an `HttpApp` on `@effect/platform-node`'s server, until the scope closes. */
const serveNode = (options: WebhookReceiver.Options<unknown, never>) =>
  Effect.gen(function* () {
    const { NodeHttpServer } = yield* Effect.promise(() => import("@effect/platform-node"))
    const { createServer } = yield* Effect.promise(() => import("node:http"))
    const app = yield* WebhookReceiver.make(options)
    const served = yield* Layer.build(
      HttpServer.serve(app).pipe(
        Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
      ),
    )
    const address = Context.get(served, HttpServer.HttpServer).address
    return `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}/ottu/webhook`
  })

/** Serves the receiver with the running runtime's own server; returns its URL. */
const serveReceiver = (options: WebhookReceiver.Options<unknown, never>) => {
  if (Deno !== undefined) {
    return serveWeb((handler) => {
      const abort = new AbortController()
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} },
        handler,
      )
      return {
        port: server.addr.port,
        close: () => {
          abort.abort()
          return server.finished
        },
      }
    }, options)
  }
  if (Bun !== undefined) {
    return serveWeb((handler) => {
      const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler })
      return { port: server.port, close: async () => server.stop(true) }
    }, options)
  }
  return serveNode(options)
}

/** Where the example stores checkouts and events: `OTTU_DATABASE` or a local SQLite file. */
const databasePath = Config.string("OTTU_DATABASE").pipe(
  Config.withDefault("webhook-example.sqlite"),
)

const program = Effect.gen(function* () {
  const key = yield* webhookKey
  // The store, and the SDK's configuration and client with which confirm mode reads Ottu.
  const services = yield* Effect.context<
    CheckoutStore.CheckoutStore | OttuConfig.OttuConfig | HttpClient.HttpClient
  >()
  const confirm = CheckoutStore.handler({ confirm: true })
  const received = yield* Deferred.make<Webhook.Event>()
  const url = yield* serveReceiver({
    key,
    // Every verified event is checked against Ottu's answer about its checkout, recorded, and
    // that answer applied to the stored checkout in one transaction. A refused event answers 400.
    handler: (event, delivery) =>
      confirm(event, delivery).pipe(
        Effect.provide(services),
        Effect.zipRight(Deferred.succeed(received, event)),
      ),
  })
  const runtime = Deno !== undefined ? "Deno.serve" : Bun !== undefined ? "Bun.serve" : "Node"
  yield* Console.log(`receiver:  ${url} (${runtime})`)

  // Created through the tracking layer: the checkout is stored as Ottu answered it.
  const session = yield* Checkout.create({
    type: "e_commerce",
    amount: "20.230",
    currency_code: "KWD",
    pg_codes: ["credit-card"],
    order_no: `webhook-${Date.now()}`,
    webhook_url: url,
  })
  const stateOf = Effect.map(CheckoutStore.get(session.session_id), (stored) =>
    Option.match(stored, { onNone: () => "not stored", onSome: (c) => c.state ?? "unknown" }),
  )
  yield* Console.log(`stored:    ${session.session_id} is ${yield* stateOf}`)

  yield* customerPays(session)
  const event = yield* Deferred.await(received).pipe(Effect.timeout("60 seconds"))
  const kind =
    event._tag === "PaymentEvent"
      ? `${event.result}, ${event.state}, ${event.amount} ${event.currency_code}`
      : `${event.operation ?? "operation"} ${event.result}, ${event.amount}`
  yield* Console.log(`verified:  ${event._tag} for session ${event.session_id}: ${kind}`)
  yield* Console.log(`stored:    ${session.session_id} is ${yield* stateOf}`)
}).pipe(Effect.scoped)

const Live = Layer.unwrapEffect(
  Effect.map(databasePath, (path) =>
    CheckoutStore.tracking.pipe(Layer.provideMerge(CheckoutStore.layerSqlite(path))),
  ),
).pipe(Layer.provideMerge(OttuLive))

run(program.pipe(Effect.provide(Live)))
