/**
 * Recipe: Ottu's webhooks in a Hono app, on Deno, Bun, Node or Workers. Hono gives a route the
 * web `Request` it received (`c.req.raw`); hand it to the receiver before anything reads its
 * body, so the signature is checked over the exact bytes Ottu sent.
 *
 *   const receiver = WebhookReceiver.webHandler({ handler: onEvent }) // key: OTTU_WEBHOOK_KEY
 *   const app = new Hono().route("/ottu/webhook", ottuWebhooks(receiver))
 *   Deno.serve(app.fetch)                  // Bun: Bun.serve({ fetch: app.fetch })
 */
import { Hono } from "hono"
import type { WebhookReceiver } from "../../src/index.ts"

/** A Hono app that answers Ottu's webhooks POSTed to its root; mount it with `app.route`. */
export const ottuWebhooks = (receiver: WebhookReceiver.WebHandler): Hono => {
  const webhooks = new Hono()
  webhooks.post("/", (c) => receiver.handler(c.req.raw))
  return webhooks
}
