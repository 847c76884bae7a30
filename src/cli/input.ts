/**
 * Reading a command's input: a file given with `--file`, or standard input.
 *
 * @module
 */
import { readFile } from "node:fs/promises"
import { text } from "node:stream/consumers"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** Why the input could not be read. */
const unreadable = (from: string) => (cause: unknown) =>
  new Error(`cannot read ${from}: ${cause instanceof Error ? cause.message : String(cause)}`)

/** The text of `file` when given, of standard input otherwise. */
export const readInput = (file: Option.Option<string>): Effect.Effect<string, Error> =>
  Option.match(file, {
    onNone: () => Effect.tryPromise({ try: () => text(process.stdin), catch: unreadable("stdin") }),
    onSome: (path) =>
      Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: unreadable(path) }),
  })
