/**
 * Field checks with Django REST Framework's messages: each takes one field's value as a parsed
 * body holds it and returns the value to keep or the messages to report. Also the values a body
 * holds (`Fields`, `UploadedFile`).
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { isCurrencyCode } from "../internal/currency.ts"
import { allowedExtensions } from "../internal/multipart.ts"
import { isGatewayCode } from "./gateways.ts"

/** A parsed body, or a nested object in one: field name to value. */
export type Fields = Readonly<Record<string, unknown>>

/** A file part of a multipart body, kept by name only. */
export class UploadedFile extends Data.TaggedClass("UploadedFile")<{ readonly name: string }> {}

/** Checks one value: the value to keep, or DRF's messages. */
export type Check<A = unknown> = (value: unknown) => Either.Either<A, ReadonlyArray<string>>

/** A failed check with one message. */
export const invalid = (message: string) => Either.left([message])

/** Python's name for the type of a JSON value, as DRF prints it in messages. */
export const pythonType = (value: unknown): string => {
  if (value === null) return "NoneType"
  if (Array.isArray(value)) return "list"
  switch (typeof value) {
    case "string":
      return "str"
    case "boolean":
      return "bool"
    case "number":
      return Number.isInteger(value) ? "int" : "float"
    default:
      return "dict"
  }
}

const isRecord = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A string (a number is taken as its text), trimmed, not blank, at most `maxLength` long. */
export const text =
  (maxLength?: number): Check<string> =>
  (value) => {
    if (typeof value !== "string" && typeof value !== "number")
      return invalid("Not a valid string.")
    const trimmed = String(value).trim()
    if (trimmed === "") return invalid("This field may not be blank.")
    if (maxLength !== undefined && trimmed.length > maxLength) {
      return invalid(`Ensure this field has no more than ${maxLength} characters.`)
    }
    return Either.right(trimmed)
  }

/** A text field that must also match a pattern. */
const matching =
  (maxLength: number | undefined, pattern: RegExp, message: string): Check<string> =>
  (value) =>
    Either.flatMap(text(maxLength)(value), (s) =>
      pattern.test(s) ? Either.right(s) : invalid(message),
    )

/** One of the given strings. */
export const choice =
  <A extends string>(options: ReadonlyArray<A>): Check<A> =>
  (value) =>
    options.includes(value as A)
      ? Either.right(value as A)
      : invalid(`"${String(value)}" is not a valid choice.`)

const trueValues: ReadonlySet<string> = new Set(["true", "t", "yes", "y", "on", "1"])
const falseValues: ReadonlySet<string> = new Set(["false", "f", "no", "n", "off", "0"])

/** A boolean, or one of the words DRF reads as one (`"true"`, `"off"`, `"1"`, ...). */
export const boolean: Check<boolean> = (value) => {
  if (typeof value === "boolean") return Either.right(value)
  const key = String(value).toLowerCase()
  if (trueValues.has(key)) return Either.right(true)
  if (falseValues.has(key)) return Either.right(false)
  return invalid("Must be a valid boolean.")
}

/** An integer, as a number or as digits. */
export const integer: Check<number> = (value) =>
  (typeof value === "number" || typeof value === "string") && /^-?\d+$/.test(String(value).trim())
    ? Either.right(Number(value))
    : invalid("A valid integer is required.")

/** A JSON object (DRF's dictionary). */
export const object: Check<Fields> = (value) =>
  isRecord(value)
    ? Either.right(value)
    : invalid(`Invalid data. Expected a dictionary, but got ${pythonType(value)}.`)

/** An email address at most `maxLength` long. */
export const email = (maxLength: number): Check<string> =>
  matching(maxLength, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "Enter a valid email address.")

/** An http or https URL of at most `maxLength` characters. */
export const urlOf = (maxLength: number): Check<string> =>
  matching(maxLength, /^https?:\/\/[^\s/]+(\/\S*)?$/i, "Enter a valid URL.")

/** An http or https URL of at most 2000 characters. */
export const url: Check<string> = urlOf(2000)

/** A date `YYYY-MM-DD`. */
export const date: Check<string> = matching(
  undefined,
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
)

/** A duration `[DD] [HH:[MM:]]ss[.uuuuuu]`. */
export const duration: Check<string> = matching(
  undefined,
  /^(\d+ )?((\d{1,2}:)?\d{1,2}:)?\d{1,2}(\.\d{1,6})?$/,
  "Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu].",
)

const decimalPattern = /^-?(\d+\.?\d*|\.\d+)$/

/** A decimal amount, at most 3 decimals and 13 integer digits, not negative. */
export const amount: Check<string> = (value) => {
  const raw = typeof value === "string" || typeof value === "number" ? String(value).trim() : ""
  if (!decimalPattern.test(raw)) return invalid("A valid number is required.")
  const [integerPart = "", fraction = ""] = raw.replace("-", "").split(".")
  if (fraction.length > 3) return invalid("Ensure that there are no more than 3 decimal places.")
  if (integerPart.replace(/^0+/, "").length > 13) {
    return invalid("Ensure that there are no more than 13 digits before the decimal point.")
  }
  if (raw.startsWith("-") && /[1-9]/.test(raw)) {
    return invalid("Ensure this value is greater than or equal to 0.")
  }
  return Either.right(raw)
}

/** An ISO 4217 currency code, upper case. */
export const currencyCode: Check<string> = (value) =>
  typeof value === "string" && isCurrencyCode(value)
    ? Either.right(value)
    : invalid(`"${String(value)}" is not a valid choice.`)

/** The code of a gateway in the sandbox's catalogue. */
export const pgCode: Check<string> = (value) =>
  typeof value === "string" && isGatewayCode(value)
    ? Either.right(value)
    : invalid(`Object with code=${String(value)} does not exist.`)

/** The storage path of an uploaded file (`attachment_upload_url`): it ends in an allowed extension. */
export const uploadUrl: Check<string> = matching(
  undefined,
  new RegExp(`(?:${allowedExtensions.join("|")})$`),
  `The file must end in one of: ${allowedExtensions.join(", ")}.`,
)

/** A file part with an allowed extension and a short enough name; keeps the name. */
export const attachment: Check<string> = (value) => {
  if (!(value instanceof UploadedFile)) {
    return invalid("The submitted data was not a file. Check the encoding type on the form.")
  }
  const extension = value.name.includes(".") ? (value.name.split(".").pop() ?? "") : ""
  if (!allowedExtensions.includes(extension.toLowerCase())) {
    return invalid(
      `File extension '${extension}' is not allowed. Allowed extensions are: ${allowedExtensions.join(", ")}.`,
    )
  }
  if (value.name.length > 100) {
    return invalid(`Ensure this filename has at most 100 characters (it has ${value.name.length}).`)
  }
  return Either.right(value.name)
}

/** A field the sandbox does not simulate yet: any value fails with `message`. */
export const unsupported =
  (message: string): Check =>
  () =>
    invalid(message)
