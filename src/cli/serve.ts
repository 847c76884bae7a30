/**
 * Serving an `HttpApp` on a port from the command line (`sandbox serve`, `webhook listen`): the
 * platform's Node server (it runs on Node, Bun and Deno), a line per request, the address printed
 * once listening (`listening on http://…`, the port chosen when `--port 0`), and a clean stop on
 * Ctrl-C (SIGINT) or SIGTERM: the runtime interrupts the program and the server's scope closes.
 *
 * @module
 */
import { createServer } from "node:http"
import * as Options from "@effect/cli/Options"
import type * as HttpApp from "@effect/platform/HttpApp"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"

/** `--host` (default 127.0.0.1: nothing outside this machine reaches it unless asked). */
export const host: Options.Options<string> = Options.text("host").pipe(
  Options.withDescription("interface to listen on"),
  Options.withDefault("127.0.0.1"),
)

/** `--port N`; 0 picks a free port (printed once listening). */
export const port = (fallback: number): Options.Options<number> =>
  Options.integer("port").pipe(
    Options.withDescription("port to listen on (0: any free port)"),
    Options.withDefault(fallback),
  )

/** The app with a line per request: method, path and the status answered. */
const logged = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.tap(app, (response) =>
      Console.log(`${request.method} ${request.url} -> ${response.status}`),
    ),
  )

/**
 * Serves `app` on `host:port` until interrupted, printing `<name> listening on <url>` once the
 * socket is bound and `<name> stopped` once it is closed. Open keep-alive connections are closed
 * with the server (Deno's `node:http` would otherwise wait for them).
 */
export const serveUntilInterrupted = <E, R>(
  name: string,
  options: { readonly host: string; readonly port: number },
  app: HttpApp.Default<E, R>,
): Effect.Effect<never, ServeError, Exclude<R, HttpServerRequest.HttpServerRequest>> =>
  Effect.scoped(
    Effect.gen(function* () {
      yield* Effect.addFinalizer(() => Console.log(`${name} stopped`))
      const node = createServer()
      const server = yield* NodeHttpServer.make(() => node, options)
      yield* Effect.addFinalizer(() => Effect.sync(() => node.closeAllConnections()))
      yield* server.serve(logged(app))
      const address = server.address
      const url =
        address._tag === "TcpAddress"
          ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
          : address.path
      yield* Console.log(`${name} listening on ${url}`)
      return yield* Effect.never
    }),
  )
