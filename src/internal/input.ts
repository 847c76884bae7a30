/**
 * Pre-flight validation: decodes the caller's input with a schema and turns every problem into
 * an `OttuInvalidInputError` before anything is sent.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import type * as Schema from "effect/Schema"
import type { ParseOptions } from "effect/SchemaAST"
import { InputIssue, OttuInvalidInputError } from "../OttuError.ts"

/** Where a rejected input was going, for the error. */
export interface Target {
  readonly method: string
  readonly path: string
}

/** An `OttuInvalidInputError` with one issue. */
export const invalid = (target: Target, field: string, message: string): OttuInvalidInputError =>
  new OttuInvalidInputError({ ...target, issues: [new InputIssue({ field, message })] })

/**
 * The issues of a failed decode, one per field where effect reports one per union member: an
 * optional field's "Expected undefined" half is dropped, and a literal union's "Expected "en",
 * actual …" / "Expected "ar", actual …" become "Expected "en" | "ar", actual …".
 */
const issuesOf = (error: ParseResult.ParseIssue): Array<InputIssue> => {
  const byField = new Map<string, Array<string>>()
  for (const issue of ParseResult.ArrayFormatter.formatIssueSync(error)) {
    const field = issue.path.join(".")
    byField.set(field, [...(byField.get(field) ?? []), issue.message])
  }
  return [...byField].flatMap(([field, messages]) =>
    mergedMessages(messages).map((message) => new InputIssue({ field, message })),
  )
}

const expectedPattern = /^Expected (.+), actual (.+)$/s

/** Messages of one field, with the union halves merged. */
const mergedMessages = (messages: ReadonlyArray<string>): ReadonlyArray<string> => {
  const meaningful = messages.filter((m) => !m.startsWith("Expected undefined"))
  const kept = meaningful.length > 0 ? meaningful : messages
  const expected = kept.map((m) => expectedPattern.exec(m))
  const actual = expected[0]?.[2]
  if (kept.length < 2 || expected.some((m) => m === null || m[2] !== actual)) return kept
  return [`Expected ${expected.map((m) => m?.[1]).join(" | ")}, actual ${actual}`]
}

/** Every issue is reported, and unknown keys are refused. */
const inputOptions: ParseOptions = { errors: "all", onExcessProperty: "error" }

/**
 * True when every key of `input`, at every depth, is still in `output`: the decode dropped no
 * unknown key.
 */
const keepsEveryKey = (input: unknown, output: unknown): boolean => {
  if (Array.isArray(input)) {
    return (
      Array.isArray(output) &&
      input.length === output.length &&
      input.every((item, i) => keepsEveryKey(item, output[i]))
    )
  }
  if (!Predicate.isRecord(input)) return true
  if (!Predicate.isRecord(output)) return false
  for (const key of Reflect.ownKeys(input)) {
    if (!Object.hasOwn(output, key) || !keepsEveryKey(input[key], output[key])) return false
  }
  return true
}

/**
 * Decodes `input` with `schema`; unknown keys are rejected rather than silently dropped. The
 * decoder's `Either` is turned into an `Effect` here, never used as one (Effect 4's `Result` is
 * not an `Effect`).
 *
 * **Details:** effect's check for unknown keys (`onExcessProperty: "error"`) costs twice the rest
 * of the decode (about 13 µs of 19 for a checkout). So the input is first decoded leniently
 * (unknown keys dropped); when that succeeds and dropped no key, the strict decode would give the
 * same value and is skipped. Otherwise the strict decode runs, and its issues are the error.
 */
export const validate = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
  target: Target,
): Effect.Effect<A, OttuInvalidInputError> => {
  let decoded: Either.Either<A, ParseResult.ParseIssue>
  try {
    decoded = ParseResult.decodeUnknownEither(schema)(input)
    if (Either.isLeft(decoded) || !keepsEveryKey(input, decoded.right)) {
      decoded = ParseResult.decodeUnknownEither(schema, inputOptions)(input)
    }
  } catch {
    // effect's decoder throws on values it cannot print (an object whose `toString` is not a
    // function): such input is refused like any other.
    return Effect.fail(invalid(target, "", "the input holds a value that cannot be read"))
  }
  return Either.isRight(decoded)
    ? Effect.succeed(decoded.right)
    : Effect.fail(new OttuInvalidInputError({ ...target, issues: issuesOf(decoded.left) }))
}
