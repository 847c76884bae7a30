/**
 * The loopback stand-in of the latency benchmark, in its own process: answers Ottu's checkout
 * create (and Stripe's checkout session create, for stripe-node) with a response serialised once
 * at start-up, so that what the benchmark measures is the client, not the server's work.
 *
 * It listens three times, once per {@link Transport}:
 *
 * - `http`: plain HTTP, every answer framed by `Content-Length`;
 * - `chunked`: plain HTTP, the same answers with no length (`Transfer-Encoding: chunked`), as
 *   behind many proxies and with gzip;
 * - `https`: TLS with the run's throwaway certificate (`--cert`, `--key`), framed answers.
 *
 * It prints `listening <JSON of the base URL per transport>` on its first line and exits when
 * its standard input closes (the orchestrator keeps the pipe open as long as it needs it).
 *
 *   node standIn.js [--cert cert.pem --key key.pem]
 *
 * @module
 */
import { readFileSync } from "node:fs"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { createServer as createTlsServer } from "node:https"
import type { AddressInfo } from "node:net"
import process from "node:process"
import { parseArgs } from "node:util"
import { checkoutPath, session, stripeCheckoutPath, stripeSession } from "./fixture.ts"

/** How the stand-in is reached and how it frames its answers. */
export type Transport = "http" | "chunked" | "https"

/** The base URL of each transport the stand-in serves (no `https` without a certificate). */
export type StandInUrls = {
  readonly http: string
  readonly chunked: string
  readonly https?: string
}

/** A status with its JSON body, serialised once. */
const reply = (status: number, value: unknown) => ({
  status,
  body: new TextEncoder().encode(JSON.stringify(value)),
})

const answers: Record<string, ReturnType<typeof reply>> = {
  [checkoutPath]: reply(201, session),
  [stripeCheckoutPath]: reply(200, stripeSession),
}
const notFound = reply(404, { detail: "Not found." })

const handler =
  (framed: boolean) =>
  (request: IncomingMessage, response: ServerResponse): void => {
    // Read the request to its end, as a real server would, before answering.
    request.resume()
    request.on("end", () => {
      const answer = (request.method === "POST" && answers[request.url ?? ""]) || notFound
      if (framed) {
        response.writeHead(answer.status, {
          "content-type": "application/json",
          "content-length": String(answer.body.length),
        })
        response.end(answer.body)
      } else {
        // No length: Node frames the body as chunks, and the last (empty) one ends it.
        response.writeHead(answer.status, { "content-type": "application/json" })
        response.write(answer.body)
        response.end()
      }
    })
  }

const { values } = parseArgs({ options: { cert: { type: "string" }, key: { type: "string" } } })

const servers: Record<Transport, Server> = {
  http: createServer(handler(true)),
  chunked: createServer(handler(false)),
  https: createTlsServer(
    values.cert === undefined || values.key === undefined
      ? {}
      : { cert: readFileSync(values.cert), key: readFileSync(values.key) },
    handler(true),
  ),
}

const listen = (transport: Transport): Promise<readonly [Transport, string]> =>
  new Promise((resolve) => {
    const server = servers[transport]
    server.listen(0, "127.0.0.1", () => {
      const scheme = transport === "https" ? "https" : "http"
      resolve([transport, `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`])
    })
  })

const transports: ReadonlyArray<Transport> =
  values.cert === undefined ? ["http", "chunked"] : ["http", "chunked", "https"]
const urls = Object.fromEntries(await Promise.all(transports.map(listen)))
process.stdout.write(`listening ${JSON.stringify(urls)}\n`)

process.stdin.resume()
process.stdin.on("end", () => {
  for (const server of Object.values(servers)) {
    server.closeAllConnections()
    server.close()
  }
  process.exit(0)
})
