/**
 * `ottu reports list | download`: the finished report files (`Reports.list`), and one of them
 * downloaded by its token (`Reports.download`), streamed to a file (`--out`) or to standard
 * output, never held whole.
 *
 * @module
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as Reports from "../Reports.ts"
import * as Connection from "./connection.ts"
import { optionalInteger, optionalText } from "./options.ts"
import { emit, fields, json, table } from "./output.ts"

const list = Command.make(
  "list",
  {
    connection: Connection.flags,
    limit: optionalInteger("limit", "files per page (Ottu's default 10)"),
    offset: optionalInteger("offset", "files to skip"),
    createdAfter: optionalText("created-after", "created on or after YYYY-MM-DD"),
    createdBefore: optionalText("created-before", "created on or before YYYY-MM-DD"),
    json,
  },
  (input) =>
    Reports.list({
      ...Option.match(input.limit, { onNone: () => ({}), onSome: (limit) => ({ limit }) }),
      ...Option.match(input.offset, { onNone: () => ({}), onSome: (offset) => ({ offset }) }),
      ...Option.match(input.createdAfter, {
        onNone: () => ({}),
        onSome: (created_after) => ({ created_after }),
      }),
      ...Option.match(input.createdBefore, {
        onNone: () => ({}),
        onSome: (created_before) => ({ created_before }),
      }),
    }).pipe(
      Effect.flatMap((page) =>
        emit(
          input.json,
          { count: page.count, next: Option.getOrNull(page.next), results: page.items },
          ({ count, next, results }) =>
            [
              results.length === 0
                ? "no report files"
                : table(
                    ["created_at", "report_name", "interval", "format", "records", "token"],
                    results.map((r) => [
                      r.created_at,
                      r.report_name,
                      r.interval,
                      r.file_format,
                      r.records_amount,
                      Option.getOrUndefined(Reports.downloadToken(r)),
                    ]),
                  ),
              `${results.length} of ${count}${next === null ? "" : `; next page: --offset ${next.offset ?? ""}`}`,
            ].join("\n"),
        ),
      ),
      Effect.provide(Connection.layer(input.connection)),
    ),
).pipe(Command.withDescription("list the finished report files, newest first"))

/** Writes one chunk to standard output, once it is taken. */
const toStdout = (chunk: Uint8Array) =>
  Effect.async<void, Error>((resume) => {
    process.stdout.write(chunk, (error) => resume(error ? Effect.fail(error) : Effect.void))
  })

const download = Command.make(
  "download",
  {
    connection: Connection.flags,
    token: Args.text({ name: "token" }),
    out: Options.file("out").pipe(
      Options.withDescription("write the file here (standard output otherwise)"),
      Options.optional,
    ),
    json,
  },
  (input) =>
    Effect.gen(function* () {
      const file = yield* Reports.download(input.token)
      if (Option.isNone(input.out)) {
        if (input.json) return yield* Effect.fail(new Error("--json needs --out FILE"))
        return yield* Stream.runForEach(file.body, toStdout)
      }
      const out = input.out.value
      const fs = yield* FileSystem.FileSystem
      const bytes = yield* Ref.make(0)
      yield* file.body.pipe(
        Stream.tap((chunk) => Ref.update(bytes, (n) => n + chunk.byteLength)),
        Stream.run(fs.sink(out)),
        // A file cut short is not left behind as if it were the report.
        Effect.onError(() => Effect.ignore(fs.remove(out))),
      )
      yield* emit(
        input.json,
        {
          out,
          bytes: yield* Ref.get(bytes),
          content_type: file.contentType ?? null,
          file_name: file.fileName ?? null,
        },
        (saved) =>
          fields([
            ["saved", saved.out],
            ["bytes", saved.bytes],
            ["content_type", saved.content_type],
            ["file_name", saved.file_name],
          ]),
      )
    }).pipe(Effect.provide(Connection.layer(input.connection))),
).pipe(
  Command.withDescription(
    "download a report file by the token `reports list` shows (tokens are short-lived)",
  ),
)

/** `ottu reports …`. */
export const reports = Command.make("reports").pipe(
  Command.withDescription("finished report files"),
  Command.withSubcommands([list, download]),
)
