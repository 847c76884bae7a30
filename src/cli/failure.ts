/**
 * How the `ottu` command ends when something fails: one line on stderr naming the SDK's typed
 * error (its tag, the status and Ottu's detail, the fields Ottu refused), and a non-zero exit
 * code. Bad flags are reported by `@effect/cli` itself, with the usage.
 *
 * @module
 */
import { isValidationError } from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"

/**
 * A failure already printed: the command exits with `code` and prints nothing more. `webhook
 * verify` uses it for a signature that does not verify.
 */
export class Reported extends Data.TaggedError("Reported")<{ readonly code: number }> {}

/**
 * The one line a failure prints: `error: <Tag>: <message>`. The SDK's messages already carry the
 * status, Ottu's detail and the fields Ottu refused (`OttuBadRequestError`) or the input issues
 * (`OttuInvalidInputError`).
 */
export const lineOf = (error: unknown): string => {
  if (Predicate.isObject(error) && "_tag" in error && "message" in error) {
    return `error: ${String(error._tag)}: ${String(error.message) || String(error._tag)}`
  }
  return `error: ${error instanceof Error ? error.message : String(error)}`
}

/**
 * Prints the program's failure in one line and fails with {@link Reported}, so that the
 * runtime exits non-zero without printing it again. A failure already reported, and a usage
 * error `@effect/cli` printed with the help, are passed on as they are.
 */
export const reportFailure = <A, E, R>(
  program: Effect.Effect<A, E, R>,
): Effect.Effect<A, Reported, R> =>
  Effect.catchAllCause(program, (cause) => {
    if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
    const error = Cause.squash(cause)
    if (error instanceof Reported) return Effect.fail(error)
    if (isValidationError(error)) return Effect.fail(new Reported({ code: 2 }))
    return Effect.zipRight(Console.error(lineOf(error)), Effect.fail(new Reported({ code: 1 })))
  })
