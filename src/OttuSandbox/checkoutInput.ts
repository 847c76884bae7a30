/**
 * What a checkout body may hold and how it becomes a `CheckoutInput`: the rules of the writable
 * fields, the read-only and write-only lists, the rules that span several fields (DRF's
 * `validate`), the defaults, and `acceptCheckout` for create, PATCH and PUT.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { formatAmount } from "../internal/currency.ts"
import {
  amount,
  attachment,
  boolean,
  choice,
  currencyCode,
  date,
  duration,
  email,
  type Fields,
  integer,
  object,
  pgCode,
  text,
  unsupported,
  uploadUrl,
  url,
} from "./checks.ts"
import { type Gateway, gatewaysOf, plugins } from "./gateways.ts"
import type { Reply } from "./reply.ts"
import {
  detailOf,
  errorsOf,
  type FieldErrors,
  field,
  fieldErrors,
  listFieldsOf,
  listOf,
  type Rules,
  type Violation,
  validated,
} from "./rules.ts"
import { type CheckoutInput, languages, paymentTypes } from "./state.ts"

const checkoutRules: Rules = {
  type: field(choice(plugins)),
  amount: field(amount),
  currency_code: field(currencyCode),
  pg_codes: listOf(pgCode, { allowEmpty: false }),
  payment_type: field(choice(paymentTypes)),
  language: field(choice(languages)),
  customer_id: field(text(64)),
  customer_email: field(email(128)),
  customer_phone: field(text(16)),
  customer_phone_2: field(text(16)),
  customer_first_name: field(text(64)),
  customer_last_name: field(text(64)),
  customer_birthdate: field(date),
  order_no: field(text(128)),
  product_type: field(text(128)),
  vendor_name: field(text(64)),
  unit_code: field(text()),
  due_datetime: field(text()),
  attachment_upload_url: field(uploadUrl),
  expiration_time: field(duration),
  redirect_url: field(url),
  webhook_url: field(url),
  email_recipients: listOf(email(128), { allowEmpty: true }),
  initiator_id: field(integer),
  generate_qr_code: field(boolean),
  include_sdk_setup_preload: field(boolean),
  preload_checkout_page: field(boolean),
  shortify_checkout_url: field(boolean),
  shortify_attachment_url: field(boolean),
  agreement: field(object),
  billing_address: field(object),
  shipping_address: field(object),
  card_acceptance_criteria: field(object),
  notifications: field(object),
  extra: field(object),
  branding_options: field(object),
  loyalty: field(object, { nullable: true }),
  attachment: field(attachment),
  payment_instrument: field(
    unsupported("One-step checkout (payment_instrument) is not supported by the sandbox yet."),
  ),
}

/** The checkout fields a form may repeat. */
export const checkoutListFields: ReadonlySet<string> = listFieldsOf(checkoutRules)

const requiredCheckoutFields = ["type", "amount", "currency_code", "pg_codes"]

/** Response-only fields: ignored when a client sends them, as DRF ignores read-only fields. */
const readOnlyFields = [
  "session_id",
  "state",
  "operation",
  "checkout_url",
  "checkout_short_url",
  "checkout_page_url",
  "attachment_short_url",
  "qr_code_url",
  "payment_methods",
  "sdk_setup_preload_payload",
  "settled_pg_code",
  "billing",
]

/** Request-only fields: accepted but never echoed. */
const writeOnlyFields = [
  "generate_qr_code",
  "include_sdk_setup_preload",
  "preload_checkout_page",
  "shortify_checkout_url",
  "shortify_attachment_url",
  "unit_code",
  "branding_options",
]

const omit = (fields: Fields, names: ReadonlyArray<string>): Fields =>
  Object.fromEntries(Object.entries(fields).filter(([name]) => !names.includes(name)))

/** The fields of a checkout that its responses echo: all but the write-only ones. */
export const echoedFields = (checkout: CheckoutInput): Fields => omit(checkout, writeOnlyFields)

const isZero = (decimal: string): boolean => !/[1-9]/.test(decimal)

const pgCodesWithout = (
  input: CheckoutInput,
  supports: (gateway: Gateway) => boolean,
  message: (code: string) => string,
): ReadonlyArray<Violation> =>
  gatewaysOf(input.pg_codes)
    .filter((gateway) => !supports(gateway))
    .map((gateway) => ["pg_codes", message(gateway.code)] as const)

const requiredFor = (
  input: CheckoutInput,
  names: ReadonlyArray<string>,
): ReadonlyArray<Violation> =>
  names.filter((name) => input[name] === undefined).map((name) => [name, "This field is required."])

/** The rules that span several fields, checked once every field is valid (DRF's `validate`). */
const crossFieldRules: ReadonlyArray<(input: CheckoutInput) => ReadonlyArray<Violation>> = [
  (input) =>
    pgCodesWithout(
      input,
      (gateway) => gateway.plugins.includes(input.type),
      (code) => `Gateway ${code} is not enabled for the ${input.type} plugin.`,
    ),
  (input) =>
    input.payment_type === "save_card" || !isZero(input.amount)
      ? []
      : [["amount", "Ensure this value is greater than 0."]],
  (input) =>
    input.payment_type !== "save_card"
      ? []
      : [
          ...(isZero(input.amount)
            ? []
            : [["amount", 'Amount must be "0" when payment_type is save_card.'] as const]),
          ...requiredFor(input, ["customer_id"]),
          ...pgCodesWithout(
            input,
            (gateway) => gateway.is_tokenizable,
            (code) => `Gateway ${code} does not support tokenization.`,
          ),
        ],
  (input) =>
    input.payment_type !== "auto_debit"
      ? []
      : [
          ...requiredFor(input, ["agreement", "customer_id"]),
          ...pgCodesWithout(
            input,
            (gateway) => gateway.auto_debit_enabled,
            (code) => `Gateway ${code} does not support auto-debit.`,
          ),
        ],
]

/**
 * Completes validated fields: defaults first, then the amount formatted to the currency. The
 * caller has checked that the required fields are present and valid, hence the one cast.
 */
const toCheckoutInput = (fields: Fields): CheckoutInput => {
  const input = {
    payment_type: "one_off",
    language: "en",
    expiration_time: "24:00:00",
    ...fields,
  } as CheckoutInput
  return { ...input, amount: formatAmount(input.amount, input.currency_code) }
}

/**
 * Applies a body to the current fields (none on create) and checks the result. As in DRF's
 * update, PUT requires the main fields but keeps the optional ones it does not mention.
 */
export const acceptCheckout = (
  current: Fields,
  body: Fields,
  mode: "create" | "patch" | "put",
): Effect.Effect<CheckoutInput, Reply> => {
  const onInvalid: (errors: FieldErrors) => Reply = mode === "patch" ? detailOf : fieldErrors
  const required = mode === "patch" ? [] : requiredCheckoutFields
  return Effect.flatMap(
    validated(checkoutRules, omit(body, readOnlyFields), required, onInvalid),
    (fields) => {
      const input = toCheckoutInput({ ...current, ...fields })
      const errors = errorsOf(crossFieldRules.flatMap((rule) => rule(input)))
      return Object.keys(errors).length > 0 ? Effect.fail(onInvalid(errors)) : Effect.succeed(input)
    },
  )
}
