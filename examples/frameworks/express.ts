/**
 * Recipe: Ottu's webhooks in an Express 5 app (Node). The signature covers the body's exact
 * text, numbers as written, so the route reads the raw bytes (`express.raw`) and hands them to
 * the receiver, which verifies, decodes and answers as it does everywhere else.
 *
 * **Gotcha**: mount it before any app-wide body parser. An `app.use(express.json())` ahead of it
 * consumes the body first: the route would then get a parsed object instead of the bytes, and
 * refuse every webhook (401).
 *
 *   const receiver = WebhookReceiver.webHandler({ handler: onEvent }) // key: OTTU_WEBHOOK_KEY
 *   const app = express()
 *   app.use("/ottu/webhook", ottuWebhooks(receiver))
 *   app.use(express.json()) // for the rest of the app, after the webhooks
 *   app.listen(8080)
 */
import express from "express"
import { WebhookReceiver } from "../../src/index.ts"

/** A router that answers Ottu's webhooks POSTed to its root; mount it with `app.use(path, …)`. */
export const ottuWebhooks = (
  receiver: WebhookReceiver.WebHandler,
  maxBodySize: number = WebhookReceiver.defaultMaxBodySize,
): express.Router => {
  const router = express.Router()
  router.post("/", express.raw({ type: "*/*", limit: maxBodySize }), async (req, res) => {
    const contentType = req.get("content-type")
    // `express.raw` leaves the bytes in a Buffer; without a body (or a Content-Type) there is none.
    const body = Buffer.isBuffer(req.body) ? (req.body as Buffer<ArrayBuffer>) : null
    const response = await receiver.handler(
      new Request(new URL(req.originalUrl, "http://localhost"), {
        method: "POST",
        headers: contentType === undefined ? {} : { "content-type": contentType },
        body,
      }),
    )
    res.status(response.status).set(Object.fromEntries(response.headers))
    res.send(Buffer.from(await response.arrayBuffer()))
  })
  return router
}
