/**
 * Recipe: a Next.js route handler (App Router), as `app/ottu/webhook/route.ts`. A route handler
 * is a `Request` → `Response` function, which is what the receiver's web handler is: pass the
 * request on untouched (do not read its body first).
 *
 * The receiver is built on the first request rather than when the module loads: `next build`
 * loads route modules, where `OTTU_WEBHOOK_KEY` (a runtime secret) may not be set. A request
 * that comes without it answers 500.
 */
import { WebhookReceiver } from "../../src/index.ts"
import { onEvent } from "./handler.ts"

let receiver: WebhookReceiver.WebHandler | undefined

/** Ottu's webhooks: verified, decoded, handed to `onEvent`, answered as Ottu expects. */
export async function POST(request: Request): Promise<Response> {
  receiver ??= WebhookReceiver.webHandler({ handler: onEvent }) // key: OTTU_WEBHOOK_KEY
  return receiver.handler(request)
}
