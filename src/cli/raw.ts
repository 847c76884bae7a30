/**
 * `ottu raw <METHOD> <path> [--data JSON] [--query name=value]…`: any Ottu endpoint through the
 * SDK's one HTTP boundary (`Raw.request`): its authentication, timeout, retry rules (a GET is
 * retried as a read, anything else is sent once) and typed errors. Prints the answer's JSON.
 *
 * @module
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Raw from "../Raw.ts"
import * as Connection from "./connection.ts"
import { json } from "./output.ts"

const methods: ReadonlyArray<Raw.Method> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

const method = Args.text({ name: "METHOD" }).pipe(
  Args.withDescription("GET, POST, PUT, PATCH or DELETE"),
  Args.mapEffect((given) => {
    const upper = given.toUpperCase()
    const found = methods.find((m) => m === upper)
    return found === undefined
      ? Effect.fail(HelpDoc.p(`unknown method ${given}: use ${methods.join(", ")}`))
      : Effect.succeed(found)
  }),
)

const data = Options.text("data").pipe(
  Options.withDescription("the JSON body (not on GET)"),
  Options.mapTryCatch(
    (text): unknown => JSON.parse(text),
    () => HelpDoc.p("--data is not JSON"),
  ),
  Options.optional,
)

/** `ottu raw …`. */
export const raw = Command.make(
  "raw",
  {
    connection: Connection.flags,
    method,
    path: Args.text({ name: "path" }).pipe(
      Args.withDescription("a path on the Ottu host, such as /b/pbl/v2/inquiry/"),
    ),
    data,
    query: Options.keyValueMap("query").pipe(
      Options.withDescription("a query parameter, name=value (repeat for several)"),
      Options.optional,
    ),
    json,
  },
  (input) =>
    Raw.request(input.method, input.path, {
      ...Option.match(input.data, { onNone: () => ({}), onSome: (body) => ({ body }) }),
      ...Option.match(input.query, {
        onNone: () => ({}),
        onSome: (query) => ({ query: Object.fromEntries(HashMap.toEntries(query)) }),
      }),
    }).pipe(
      Effect.flatMap((answer) =>
        answer === undefined
          ? Effect.void
          : Console.log(input.json ? JSON.stringify(answer) : JSON.stringify(answer, null, 2)),
      ),
      Effect.provide(Connection.layer(input.connection)),
    ),
).pipe(
  Command.withDescription("send any request to Ottu through the SDK and print the JSON answer"),
)
