/**
 * The loopback Ottu stand-in of the latency benchmark: a `node:http` server in its own process
 * that answers checkout create with a response serialised once at start-up, so that what the
 * benchmark measures is the client, not the server's work.
 *
 * It prints `listening <port>` on its first line and exits when its standard input closes (the
 * orchestrator keeps the pipe open for as long as it needs the server).
 *
 * @module
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import process from "node:process"
import { checkoutPath, session } from "./fixture.ts"

/** A status with its JSON body, serialised once. */
const reply = (status: number, value: unknown) => {
  const body = new TextEncoder().encode(JSON.stringify(value))
  const headers = { "content-type": "application/json", "content-length": String(body.length) }
  return { status, body, headers }
}

const created = reply(201, session)
const notFound = reply(404, { detail: "Not found." })

const server = createServer((request, response) => {
  // Read the request to its end, as a real server would, before answering.
  request.resume()
  request.on("end", () => {
    const answer = request.method === "POST" && request.url === checkoutPath ? created : notFound
    response.writeHead(answer.status, answer.headers)
    response.end(answer.body)
  })
})

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`)
})

process.stdin.resume()
process.stdin.on("end", () => {
  server.closeAllConnections()
  server.close()
  process.exit(0)
})
