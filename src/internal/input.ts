/**
 * Pre-flight validation: decodes the caller's input with a schema and turns every problem into
 * an `OttuInvalidInputError` before anything is sent.
 *
 * @internal
 */
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { InputIssue, OttuInvalidInputError } from "../OttuError.ts"

/** Where a rejected input was going, for the error. */
export interface Target {
  readonly method: string
  readonly path: string
}

/** An `OttuInvalidInputError` with one issue. */
export const invalid = (target: Target, field: string, message: string): OttuInvalidInputError =>
  new OttuInvalidInputError({ ...target, issues: [new InputIssue({ field, message })] })

/** Decodes `input` with `schema`; unknown keys are rejected rather than silently dropped. */
export const validate = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
  target: Target,
): Effect.Effect<A, OttuInvalidInputError> =>
  Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })(input).pipe(
    Either.mapLeft(
      (error) =>
        new OttuInvalidInputError({
          ...target,
          issues: ParseResult.ArrayFormatter.formatErrorSync(error).map(
            (issue) => new InputIssue({ field: issue.path.join("."), message: issue.message }),
          ),
        }),
    ),
  )
