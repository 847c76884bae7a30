/**
 * Pre-flight validation: decodes the caller's input with a schema and turns every problem into
 * an `OttuInvalidInputError` before anything is sent.
 *
 * @internal
 */
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import type { ParseOptions } from "effect/SchemaAST"
import { InputIssue, OttuInvalidInputError } from "../OttuError.ts"
import { decoderFor } from "./fastDecode.ts"

/** Where a rejected input was going, for the error. */
export interface Target {
  readonly method: string
  readonly path: string
}

/** An `OttuInvalidInputError` with one issue. */
export const invalid = (target: Target, field: string, message: string): OttuInvalidInputError =>
  new OttuInvalidInputError({ ...target, issues: [new InputIssue({ field, message })] })

/** Every issue is reported, and unknown keys are refused. */
const inputOptions: ParseOptions = { errors: "all", onExcessProperty: "error" }

/** Decodes `input` with `schema`; unknown keys are rejected rather than silently dropped. */
export const validate = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
  target: Target,
): Effect.Effect<A, OttuInvalidInputError> =>
  Either.mapLeft(
    decoderFor(schema, inputOptions)(input),
    (error) =>
      new OttuInvalidInputError({
        ...target,
        issues: ParseResult.ArrayFormatter.formatIssueSync(error).map(
          (issue) => new InputIssue({ field: issue.path.join("."), message: issue.message }),
        ),
      }),
  )
