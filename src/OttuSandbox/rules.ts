/**
 * DRF-style validation of a whole body: a `Rule` per field (its check, whether a form repeats
 * it, whether it may be null), `validateFields`, which reports every invalid field at once, and
 * the two error shapes (field errors, or PATCH's generic `detail`).
 *
 * @internal
 */
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { type Check, type Fields, invalid, pythonType } from "./checks.ts"
import { detail, Reply } from "./reply.ts"

/** How one field is validated: its check, whether a form repeats it, whether null is allowed. */
export interface Rule {
  readonly check: Check
  readonly list: boolean
  readonly nullable: boolean
}

/** The rules of a body, by field name. */
export type Rules = Readonly<Record<string, Rule>>

/** DRF's field errors: each field maps to its messages. */
export type FieldErrors = Readonly<Record<string, ReadonlyArray<string>>>

/** One error found by a rule that spans several fields. */
export type Violation = readonly [field: string, message: string]

/** A single-valued field. */
export const field = (check: Check, options: { readonly nullable?: boolean } = {}): Rule => ({
  check,
  list: false,
  nullable: options.nullable ?? false,
})

/** A list field (repeated in a form), every item checked with `item`. */
export const listOf = (item: Check, options: { readonly allowEmpty: boolean }): Rule => ({
  list: true,
  nullable: false,
  check: (value) => {
    if (!Array.isArray(value)) {
      return invalid(`Expected a list of items but got type "${pythonType(value)}".`)
    }
    if (!options.allowEmpty && value.length === 0) return invalid("This list may not be empty.")
    const results = value.map(item)
    const messages = Arr.getLefts(results).flat()
    return messages.length > 0 ? Either.left(messages) : Either.right(Arr.getRights(results))
  },
})

/** The fields a form may repeat, for the body readers. */
export const listFieldsOf = (rules: Rules): ReadonlySet<string> =>
  new Set(Object.keys(rules).filter((name) => rules[name]?.list === true))

/**
 * Validates the given fields against `rules` and checks that `required` ones are present. Fields
 * without a rule pass through unchanged. All errors are reported at once, as DRF does.
 */
const validateFields = (
  rules: Rules,
  input: Fields,
  required: ReadonlyArray<string>,
): Either.Either<Fields, FieldErrors> => {
  const missing = required
    .filter((name) => !Object.hasOwn(input, name))
    .map((name) => [name, Either.left(["This field is required."])] as const)
  const checked = Object.entries(input).map(([name, value]) => {
    const rule = Object.hasOwn(rules, name) ? rules[name] : undefined
    const result: Either.Either<unknown, ReadonlyArray<string>> = rule === undefined ||
    (value === null && rule.nullable)
      ? Either.right(value)
      : value === null
        ? invalid("This field may not be null.")
        : rule.check(value)
    return [name, result] as const
  })
  const results = [...missing, ...checked]
  const errors = results.flatMap(([name, result]) =>
    Either.isLeft(result) ? [[name, result.left] as const] : [],
  )
  return errors.length > 0
    ? Either.left(Object.fromEntries(errors))
    : Either.right(
        Object.fromEntries(
          results.flatMap(([name, result]) =>
            Either.isRight(result) ? [[name, result.right]] : [],
          ),
        ),
      )
}

/** Validates a body or fails with the reply `onInvalid` makes of the errors. */
export const validated = (
  rules: Rules,
  input: Fields,
  required: ReadonlyArray<string>,
  onInvalid: (errors: FieldErrors) => Reply,
): Effect.Effect<Fields, Reply> =>
  Either.match(validateFields(rules, input, required), {
    onLeft: (errors) => Effect.fail(onInvalid(errors)),
    onRight: Effect.succeed,
  })

/** Groups violations by field, keeping their order, as field errors. */
export const errorsOf = (violations: ReadonlyArray<Violation>): FieldErrors => {
  const errors: Record<string, Array<string>> = {}
  for (const [name, message] of violations) {
    errors[name] = [...(errors[name] ?? []), message]
  }
  return errors
}

/** The 400 reply of POST, PUT and most endpoints: the field errors as they are. */
export const fieldErrors = (errors: FieldErrors): Reply => new Reply({ status: 400, body: errors })

/** PATCH answers 400 with the generic shape: the field errors folded into one message. */
export const detailOf = (errors: FieldErrors): Reply =>
  detail(
    400,
    Object.entries(errors)
      .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      .join("; "),
  )
