/**
 * Webhook receiver: serves `WebhookReceiver` on this runtime's own server (`Deno.serve`,
 * `Bun.serve`, or Node through `@effect/platform-node`), delivers one signed payment event to it
 * over HTTP, prints the verified event its handler received, and exits.
 *
 * The key is `OTTU_WEBHOOK_KEY` when set, an example key otherwise.
 *
 *   deno run -A examples/webhook-server.ts
 *   bun examples/webhook-server.ts
 *   npx tsx examples/webhook-server.ts
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { Webhook, WebhookReceiver } from "../src/index.ts"
import { run } from "./ottu.ts"

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
  options: WebhookReceiver.Options<never, never>,
): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const receiver = WebhookReceiver.webHandler(options)
      return { receiver, server: listen(receiver.handler) }
    }),
    ({ receiver, server }) => Effect.promise(() => server.close().then(receiver.dispose)),
  ).pipe(Effect.map(({ server }) => `http://127.0.0.1:${server.port}/ottu/webhook`))

/** The receiver as an `HttpApp` on `@effect/platform-node`'s server, until the scope closes. */
const serveNode = (options: WebhookReceiver.Options<never, never>) =>
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
const serveReceiver = (options: WebhookReceiver.Options<never, never>) => {
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

/**
 * Ottu's side: a payment webhook for a paid checkout, signed with the webhook key and POSTed as
 * JSON. (Against the sandbox, this becomes a checkout created with `webhook_url` set to the
 * receiver, then paid: the sandbox delivers the event.)
 */
const deliverPaymentEvent = (url: string, key: Redacted.Redacted<string>) =>
  Effect.promise(async () => {
    const event: Record<string, unknown> = {
      session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
      order_no: "ORD-2026-000123",
      amount: "20.230",
      currency_code: "KWD",
      result: "success",
      state: "paid",
      reference_number: "sandbox48G8SS",
      gateway_account: "credit-card",
      gateway_name: "mpgs",
      customer_first_name: "Fatima",
      customer_email: "fatima@example.com",
      paid_amount: "20.230",
      is_sandbox: true,
      timestamp_utc: "2026-11-27 09:00:07",
    }
    event.signature = Webhook.signatureOf(event, key)
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    })
    return `${response.status} ${await response.text()}`
  })

const webhookKey = Config.redacted("OTTU_WEBHOOK_KEY").pipe(
  Config.withDefault(Redacted.make("example-webhook-key")),
)

const program = Effect.gen(function* () {
  const key = yield* webhookKey
  const received = yield* Deferred.make<Webhook.Event>()
  const url = yield* serveReceiver({
    key,
    handler: (event) => Deferred.succeed(received, event),
  })
  const runtime = Deno !== undefined ? "Deno.serve" : Bun !== undefined ? "Bun.serve" : "Node"
  yield* Console.log(`receiver:  ${url} (${runtime})`)

  const answer = yield* deliverPaymentEvent(url, key)
  yield* Console.log(`answered:  ${answer}`)

  const event = yield* Deferred.await(received).pipe(Effect.timeout("10 seconds"))
  const kind =
    event._tag === "PaymentEvent"
      ? `${event.result}, ${event.state}, ${event.amount} ${event.currency_code}`
      : `${event.operation ?? "operation"} ${event.result}, ${event.amount}`
  yield* Console.log(`verified:  ${event._tag} for session ${event.session_id}: ${kind}`)
}).pipe(Effect.scoped)

run(program)
