/**
 * A stateful simulator of the Ottu API, written on `@effect/platform`'s `HttpRouter`. It answers
 * in process (as an `HttpClient` layer) or over the network (as a web handler for `Deno.serve`,
 * `Bun.serve` or Node), validates requests the way Ottu's Django REST Framework server does, and
 * keeps its checkout sessions in one `Ref` per sandbox.
 *
 * @since 0.1.0
 */
import {
  Headers,
  HttpApp,
  HttpClient,
  HttpClientError,
  type HttpClientRequest,
  HttpClientResponse,
  type HttpMethod,
  HttpRouter,
  HttpServerRequest,
  HttpServerResponse,
  type Multipart,
} from "@effect/platform"
import {
  Array as Arr,
  Context,
  Data,
  Effect,
  Either,
  HashMap,
  Layer,
  Option,
  Redacted,
  Ref,
  type Scope,
  Stream,
} from "effect"
import { formatAmount, isCurrencyCode } from "./internal/currency.ts"

// ---------------------------------------------------------------------------------------------
// Gateway catalogue
// ---------------------------------------------------------------------------------------------

/**
 * The transaction type, which Ottu also calls the plugin.
 *
 * @since 0.1.0
 * @category models
 */
export type Plugin = "e_commerce" | "payment_request"

/**
 * A wallet service a gateway offers (`PGPaymentMethods.payment_services[]`).
 *
 * @since 0.1.0
 * @category models
 */
export interface PaymentService {
  readonly code: "apple_pay" | "google_pay" | "samsung_pay" | "wallet"
  readonly name: string
  readonly name_ar: string
}

/**
 * A gateway (`pg_code`) configured in the sandbox: the `PGPaymentMethods` fields that do not
 * depend on the host, plus the gateway family (`pg`, matched by the `pg_names` filter) and the
 * plugins it is enabled for.
 *
 * @since 0.1.0
 * @category models
 */
export interface Gateway {
  readonly code: string
  readonly name: string
  readonly pg: string
  readonly plugins: ReadonlyArray<Plugin>
  readonly wallets: ReadonlyArray<string>
  readonly payment_services: ReadonlyArray<PaymentService>
  readonly default_currency: string
  readonly accepted_currencies: ReadonlyArray<string>
  readonly operation: "purchase" | "authorize"
  readonly operations: ReadonlyArray<string>
  readonly is_tokenizable: boolean
  readonly auto_debit_enabled: boolean
  readonly tags: ReadonlyArray<string>
}

/**
 * The codes of the sandbox's gateways, for tests and examples.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const pgCodes = {
  /** KNET debit cards: KWD, purchase, not tokenizable. */
  knet: "knet",
  /** MPGS cards: multi-currency purchase, tokenizable, auto-debit enabled, Apple and Google Pay. */
  creditCard: "credit-card",
  /** MPGS cards in the authorize flow (capture or void later): tokenizable, no auto-debit. */
  mpgsAuthorize: "mpgs-authorize",
  /** BENEFIT debit cards: BHD, purchase, `e_commerce` only. */
  benefit: "benefit",
  /** Ottu's test gateway: many currencies (JPY included), purchase, tokenizable, auto-debit. */
  ottuSandbox: "ottu_sandbox",
} as const

const applePay: PaymentService = { code: "apple_pay", name: "Apple Pay", name_ar: "آبل باي" }
const googlePay: PaymentService = { code: "google_pay", name: "Google Pay", name_ar: "جوجل باي" }
const plugins: ReadonlyArray<Plugin> = ["e_commerce", "payment_request"]

/**
 * Every gateway the sandbox knows, in the order the payment-methods endpoint lists them.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const gateways: ReadonlyArray<Gateway> = [
  {
    code: pgCodes.knet,
    name: "KNET",
    pg: "knet",
    plugins,
    wallets: [],
    payment_services: [],
    default_currency: "KWD",
    accepted_currencies: ["KWD"],
    operation: "purchase",
    operations: ["refund"],
    is_tokenizable: false,
    auto_debit_enabled: false,
    tags: ["e_commerce", "retail"],
  },
  {
    code: pgCodes.creditCard,
    name: "Credit Card",
    pg: "mpgs",
    plugins,
    wallets: ["ApplePay", "GooglePay"],
    payment_services: [applePay, googlePay],
    default_currency: "KWD",
    accepted_currencies: ["KWD", "USD", "EUR", "GBP", "SAR", "AED", "BHD", "QAR", "OMR", "EGP"],
    operation: "purchase",
    operations: ["refund"],
    is_tokenizable: true,
    auto_debit_enabled: true,
    tags: ["e_commerce", "subscriptions"],
  },
  {
    code: pgCodes.mpgsAuthorize,
    name: "Credit Card (authorize)",
    pg: "mpgs",
    plugins,
    wallets: [],
    payment_services: [],
    default_currency: "KWD",
    accepted_currencies: ["KWD", "USD", "EUR", "SAR", "AED"],
    operation: "authorize",
    operations: ["capture", "void", "refund"],
    is_tokenizable: true,
    auto_debit_enabled: false,
    tags: ["e_commerce", "hospitality"],
  },
  {
    code: pgCodes.benefit,
    name: "BENEFIT",
    pg: "benefit",
    plugins: ["e_commerce"],
    wallets: [],
    payment_services: [],
    default_currency: "BHD",
    accepted_currencies: ["BHD"],
    operation: "purchase",
    operations: ["refund"],
    is_tokenizable: false,
    auto_debit_enabled: false,
    tags: ["e_commerce"],
  },
  {
    code: pgCodes.ottuSandbox,
    name: "Ottu Sandbox",
    pg: "ottu_sandbox",
    plugins,
    wallets: ["ApplePay"],
    payment_services: [applePay],
    default_currency: "KWD",
    accepted_currencies: ["KWD", "USD", "EUR", "SAR", "AED", "BHD", "QAR", "OMR", "JPY"],
    operation: "purchase",
    operations: ["refund"],
    is_tokenizable: true,
    auto_debit_enabled: true,
    tags: ["demo", "test"],
  },
]

const gatewayByCode: ReadonlyMap<string, Gateway> = new Map(gateways.map((g) => [g.code, g]))

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

/**
 * The lifecycle state of a checkout session (API reference §12.1).
 *
 * @since 0.1.0
 * @category models
 */
export type CheckoutState =
  | "created"
  | "pending"
  | "attempted"
  | "authorized"
  | "paid"
  | "failed"
  | "canceled"
  | "expired"
  | "invalided"
  | "refunded"
  | "cod"

/**
 * The writable fields of a session as the sandbox accepted them: validated, with `amount` already
 * formatted to the currency's decimals, defaults filled in, and every other field (unknown ones
 * included) kept as sent. An uploaded `attachment` is held as its file name.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckoutInput extends Readonly<Record<string, unknown>> {
  readonly type: Plugin
  readonly amount: string
  readonly currency_code: string
  readonly pg_codes: ReadonlyArray<string>
  readonly payment_type: "one_off" | "auto_debit" | "save_card"
  readonly language: "en" | "ar"
  readonly expiration_time: string
}

/**
 * One checkout session held by the sandbox.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxSession {
  readonly session_id: string
  readonly state: CheckoutState
  readonly checkout: CheckoutInput
}

/**
 * Everything a sandbox instance remembers. It lives in one `Ref`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxState {
  readonly sessions: HashMap.HashMap<string, SandboxSession>
}

/**
 * How to build a sandbox.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxOptions {
  /** The host used in the URLs the sandbox returns. Default `"sandbox.ottu.test"`. */
  readonly host?: string
  /** When set, `Api-Key` credentials must carry this key. Any key is accepted otherwise. */
  readonly apiKey?: Redacted.Redacted<string>
}

/**
 * A running sandbox: its web handler and its state, for the control APIs of later versions.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly host: string
  readonly handler: (request: Request) => Promise<Response>
  readonly state: Ref.Ref<SandboxState>
}

/**
 * The sandbox as a service, provided by {@link layerWithControl}.
 *
 * @since 0.1.0
 * @category tags
 */
export class OttuSandbox extends Context.Tag("effect-ottu/OttuSandbox")<OttuSandbox, Service>() {}

/** What the routes of one instance read: its host, its key and its state. */
interface Env {
  readonly host: string
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly state: Ref.Ref<SandboxState>
}

class SandboxEnv extends Context.Tag("effect-ottu/OttuSandbox/Env")<SandboxEnv, Env>() {}

const defaultHost = "sandbox.ottu.test"

/** The states in which a session can still be updated. */
const updatableStates: ReadonlyArray<CheckoutState> = ["created", "pending", "attempted"]

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/** A non-2xx answer, raised by any route and turned into a JSON response at the top. */
class Reply extends Data.TaggedError("Reply")<{
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}> {}

/** DRF's field errors: each field maps to its messages. */
type FieldErrors = Readonly<Record<string, ReadonlyArray<string>>>

const detail = (status: number, message: string): Reply =>
  new Reply({ status, body: { detail: message } })

const fieldErrors = (errors: FieldErrors): Reply => new Reply({ status: 400, body: errors })

/** PATCH answers 400 with the generic shape: the field errors folded into one message. */
const detailOf = (errors: FieldErrors): Reply =>
  detail(
    400,
    Object.entries(errors)
      .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      .join("; "),
  )

const json = (status: number, body: unknown): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(body, { status })

const replyToResponse = (reply: Reply): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(reply.body, { status: reply.status, headers: reply.headers ?? {} })

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

const authorizationPattern = /^(Api-Key|Basic|Bearer)\s+(\S.*)$/i

/** Compares two secrets in time that depends only on their lengths. */
const constantTimeEqual = (a: string, b: string): boolean => {
  const left = new TextEncoder().encode(a)
  const right = new TextEncoder().encode(b)
  let difference = left.length ^ right.length
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0)
  }
  return difference === 0
}

const authenticate = Effect.gen(function* () {
  const { apiKey } = yield* SandboxEnv
  const request = yield* HttpServerRequest.HttpServerRequest
  const match = authorizationPattern.exec(request.headers.authorization ?? "")
  if (match === null) {
    return yield* detail(401, "Authentication credentials were not provided.")
  }
  const [, scheme = "", credentials = ""] = match
  const wrongKey =
    apiKey !== undefined &&
    scheme.toLowerCase() === "api-key" &&
    !constantTimeEqual(credentials.trim(), Redacted.value(apiKey))
  if (wrongKey) return yield* detail(401, "Invalid API key.")
})

// ---------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------

/** A file part of a multipart body, kept by name only. */
class UploadedFile extends Data.TaggedClass("UploadedFile")<{ readonly name: string }> {}

type Fields = Readonly<Record<string, unknown>>

/** Python's name for the type of a JSON value, as DRF prints it in messages. */
const pythonType = (value: unknown): string => {
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

/** Groups form entries: list fields keep every value, the others the last one (as DRF). */
const fromEntries = (
  entries: Iterable<readonly [string, unknown]>,
  lists: ReadonlySet<string>,
): Fields => {
  const grouped = new Map<string, unknown>()
  for (const [key, value] of entries) {
    const previous = grouped.get(key)
    grouped.set(
      key,
      !lists.has(key) ? value : Array.isArray(previous) ? [...previous, value] : [value],
    )
  }
  return Object.fromEntries(grouped)
}

const readText = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => request.text,
).pipe(Effect.mapError(() => detail(400, "The request body could not be read.")))

const jsonBody = Effect.gen(function* () {
  const text = yield* readText
  if (text === "") return {}
  const parsed: unknown = yield* Effect.try({
    try: () => JSON.parse(text),
    catch: (error) =>
      detail(400, `JSON parse error - ${error instanceof Error ? error.message : error}`),
  })
  if (isRecord(parsed)) return parsed
  return yield* new Reply({
    status: 400,
    body: {
      non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(parsed)}.`],
    },
  })
})

const urlEncodedBody = (lists: ReadonlySet<string>) =>
  Effect.map(readText, (text) => fromEntries(new URLSearchParams(text), lists))

const partEntry = (
  part: Multipart.Part,
): Effect.Effect<readonly [string, unknown], Multipart.MultipartError> =>
  part._tag === "File"
    ? Effect.as(Stream.runDrain(part.content), [part.key, new UploadedFile({ name: part.name })])
    : Effect.succeed([part.key, part.value])

const multipartBody = (lists: ReadonlySet<string>) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.multipartStream.pipe(Stream.mapEffect(partEntry), Stream.runCollect),
  ).pipe(
    Effect.map((entries) => fromEntries(entries, lists)),
    Effect.mapError((error) => detail(400, `Multipart form parse error - ${error.message}`)),
  )

/**
 * Reads the body as DRF's parsers would: JSON, form-urlencoded or multipart; no content type
 * means no data; anything else is 415. `lists` names the fields a form may repeat.
 */
const readBody = (lists: ReadonlySet<string>) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const contentType = request.headers["content-type"] ?? ""
    const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase()
    switch (mediaType) {
      case "":
        return {} as Fields
      case "application/json":
        return yield* jsonBody
      case "application/x-www-form-urlencoded":
        return yield* urlEncodedBody(lists)
      case "multipart/form-data":
        return yield* multipartBody(lists)
      default:
        return yield* detail(415, `Unsupported media type "${contentType}" in request.`)
    }
  })

// ---------------------------------------------------------------------------------------------
// Field validation (DRF messages)
// ---------------------------------------------------------------------------------------------

type Check<A = unknown> = (value: unknown) => Either.Either<A, ReadonlyArray<string>>

/** How one field is validated: its check, whether a form repeats it, whether null is allowed. */
interface Rule {
  readonly check: Check
  readonly list: boolean
  readonly nullable: boolean
}

const invalid = (message: string) => Either.left([message])

const field = (check: Check, options: { readonly nullable?: boolean } = {}): Rule => ({
  check,
  list: false,
  nullable: options.nullable ?? false,
})

const listOf = (item: Check, options: { readonly allowEmpty: boolean }): Rule => ({
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

const text =
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

const choice =
  <A extends string>(options: ReadonlyArray<A>): Check<A> =>
  (value) =>
    options.includes(value as A)
      ? Either.right(value as A)
      : invalid(`"${String(value)}" is not a valid choice.`)

const trueValues = new Set(["true", "t", "yes", "y", "on", "1"])
const falseValues = new Set(["false", "f", "no", "n", "off", "0"])

const boolean: Check<boolean> = (value) => {
  if (typeof value === "boolean") return Either.right(value)
  const key = String(value).toLowerCase()
  if (trueValues.has(key)) return Either.right(true)
  if (falseValues.has(key)) return Either.right(false)
  return invalid("Must be a valid boolean.")
}

const integer: Check<number> = (value) =>
  (typeof value === "number" || typeof value === "string") && /^-?\d+$/.test(String(value).trim())
    ? Either.right(Number(value))
    : invalid("A valid integer is required.")

const object: Check = (value) =>
  isRecord(value)
    ? Either.right(value)
    : invalid(`Invalid data. Expected a dictionary, but got ${pythonType(value)}.`)

const email = (maxLength: number) =>
  matching(maxLength, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "Enter a valid email address.")

const url = matching(2000, /^https?:\/\/[^\s/]+(\/\S*)?$/i, "Enter a valid URL.")

const date = matching(
  undefined,
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
)

const duration = matching(
  undefined,
  /^(\d+ )?((\d{1,2}:)?\d{1,2}:)?\d{1,2}(\.\d{1,6})?$/,
  "Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu].",
)

const decimalPattern = /^-?(\d+\.?\d*|\.\d+)$/

/** A decimal amount, at most 3 decimals and 13 integer digits, not negative. */
const amount: Check<string> = (value) => {
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

const currencyCode: Check<string> = (value) =>
  typeof value === "string" && isCurrencyCode(value)
    ? Either.right(value)
    : invalid(`"${String(value)}" is not a valid choice.`)

const pgCode: Check<string> = (value) =>
  typeof value === "string" && gatewayByCode.has(value)
    ? Either.right(value)
    : invalid(`Object with code=${String(value)} does not exist.`)

const allowedExtensions = ["pdf", "jpeg", "png", "doc", "docx", "jpg", "xls", "xlsx", "txt"]

/** The `attachment` field: a file part with an allowed extension and a short enough name. */
const attachment: Check<string> = (value) => {
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

const unsupported =
  (message: string): Check =>
  () =>
    invalid(message)

/**
 * Validates the given fields against `rules` and checks that `required` ones are present. Fields
 * without a rule pass through unchanged. All errors are reported at once, as DRF does.
 */
const validateFields = (
  rules: Readonly<Record<string, Rule>>,
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

const listFieldsOf = (rules: Readonly<Record<string, Rule>>): ReadonlySet<string> =>
  new Set(Object.keys(rules).filter((name) => rules[name]?.list === true))

/** Validates a body or fails with the reply `onInvalid` makes of the errors. */
const validated = (
  rules: Readonly<Record<string, Rule>>,
  input: Fields,
  required: ReadonlyArray<string>,
  onInvalid: (errors: FieldErrors) => Reply,
) => Either.mapLeft(validateFields(rules, input, required), onInvalid)

// ---------------------------------------------------------------------------------------------
// Checkout
// ---------------------------------------------------------------------------------------------

const checkoutRules: Readonly<Record<string, Rule>> = {
  type: field(choice(plugins)),
  amount: field(amount),
  currency_code: field(currencyCode),
  pg_codes: listOf(pgCode, { allowEmpty: false }),
  payment_type: field(choice(["one_off", "auto_debit", "save_card"])),
  language: field(choice(["en", "ar"])),
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
  attachment_upload_url: field(text()),
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

const checkoutListFields = listFieldsOf(checkoutRules)

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

const gatewaysOf = (input: CheckoutInput): ReadonlyArray<Gateway> =>
  input.pg_codes.flatMap((code) => gatewayByCode.get(code) ?? [])

const isZero = (decimal: string): boolean => !/[1-9]/.test(decimal)

type Violation = readonly [field: string, message: string]

const pgCodesWithout = (
  input: CheckoutInput,
  supports: (gateway: Gateway) => boolean,
  message: (code: string) => string,
): ReadonlyArray<Violation> =>
  gatewaysOf(input)
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

const crossFieldErrors = (input: CheckoutInput): FieldErrors => {
  const errors: Record<string, Array<string>> = {}
  for (const [name, message] of crossFieldRules.flatMap((rule) => rule(input))) {
    errors[name] = [...(errors[name] ?? []), message]
  }
  return errors
}

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
const acceptCheckout = (
  current: Fields,
  body: Fields,
  mode: "create" | "patch" | "put",
): Either.Either<CheckoutInput, Reply> => {
  const onInvalid = mode === "patch" ? detailOf : fieldErrors
  const required = mode === "patch" ? [] : requiredCheckoutFields
  return Either.flatMap(
    validated(checkoutRules, omit(body, readOnlyFields), required, onInvalid),
    (fields) => {
      const input = toCheckoutInput({ ...current, ...fields })
      const errors = crossFieldErrors(input)
      return Object.keys(errors).length > 0 ? Either.left(onInvalid(errors)) : Either.right(input)
    },
  )
}

const randomSessionId = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(20)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("")

const assetUrl = (host: string, code: string, extension: string) =>
  `https://${host}/static/gateways/${encodeURIComponent(code)}.${extension}`

const checkoutUrl = (host: string, sessionId: string) =>
  `https://${host}/b/checkout/redirect/start/?session_id=${sessionId}`

/** One `PaymentMethodsForRedirect` entry of a session. */
const paymentMethodFor = (host: string, session: SandboxSession) => (gateway: Gateway) => ({
  code: gateway.code,
  name: gateway.name,
  type: session.checkout.type,
  amount: session.checkout.amount,
  currency_code: session.checkout.currency_code,
  fee: formatAmount("0", session.checkout.currency_code),
  fee_description: "",
  icon: assetUrl(host, gateway.code, "svg"),
  icons: { webp: assetUrl(host, gateway.code, "webp"), svg: assetUrl(host, gateway.code, "svg") },
  flow: "redirect",
  redirect_url: `${checkoutUrl(host, session.session_id)}&pg_code=${encodeURIComponent(gateway.code)}`,
})

/** The checkout object (API reference §5.2) of a session. */
const renderCheckout = (host: string, session: SandboxSession) => {
  const { checkout, session_id } = session
  const shortCode = session_id.slice(0, 10)
  const attachmentName = typeof checkout.attachment === "string" ? checkout.attachment : undefined
  return {
    session_id,
    ...omit(checkout, writeOnlyFields),
    state: session.state,
    operation: gatewaysOf(checkout)[0]?.operation ?? "purchase",
    checkout_url: checkoutUrl(host, session_id),
    payment_methods: gatewaysOf(checkout).map(paymentMethodFor(host, session)),
    ...(attachmentName === undefined
      ? {}
      : {
          attachment: `https://${host}/media/payment_transactions/attachments/${encodeURIComponent(attachmentName)}`,
        }),
    ...(checkout.generate_qr_code === true
      ? { qr_code_url: `https://${host}/media/qr_codes/${session_id}.png` }
      : {}),
    ...(checkout.shortify_checkout_url === true
      ? { checkout_short_url: `https://${host}/s/${shortCode}` }
      : {}),
    ...(checkout.shortify_attachment_url === true && attachmentName !== undefined
      ? { attachment_short_url: `https://${host}/s/a/${shortCode}` }
      : {}),
  }
}

const saveSession = (env: Env, session: SandboxSession) =>
  Ref.update(env.state, (state) => ({
    ...state,
    sessions: HashMap.set(state.sessions, session.session_id, session),
  }))

const createCheckout = Effect.gen(function* () {
  const env = yield* SandboxEnv
  const body = yield* readBody(checkoutListFields)
  const checkout = yield* acceptCheckout({}, body, "create")
  const session: SandboxSession = { session_id: randomSessionId(), state: "created", checkout }
  yield* saveSession(env, session)
  return json(201, renderCheckout(env.host, session))
})

/** The session named by the path, or 404. */
const pathSession = Effect.gen(function* () {
  const env = yield* SandboxEnv
  const { session_id = "" } = yield* HttpRouter.params
  const state = yield* Ref.get(env.state)
  return yield* Option.match(HashMap.get(state.sessions, session_id), {
    onNone: () => Effect.fail(detail(404, "Not found.")),
    onSome: Effect.succeed,
  })
})

const retrieveCheckout = Effect.gen(function* () {
  const env = yield* SandboxEnv
  return json(200, renderCheckout(env.host, yield* pathSession))
})

const updateCheckout = (mode: "patch" | "put") =>
  Effect.gen(function* () {
    const env = yield* SandboxEnv
    const current = yield* pathSession
    if (!updatableStates.includes(current.state)) {
      return yield* detail(
        400,
        `The payment transaction can no longer be updated: its state is ${current.state}.`,
      )
    }
    const body = yield* readBody(checkoutListFields)
    const checkout = yield* acceptCheckout(current.checkout, body, mode)
    const session: SandboxSession = { ...current, checkout }
    yield* saveSession(env, session)
    return json(200, renderCheckout(env.host, session))
  })

// ---------------------------------------------------------------------------------------------
// Payment methods
// ---------------------------------------------------------------------------------------------

const gatewayTags = (
  "e_commerce crm pos invoicing subscriptions marketplace mobile_app ticket_booking donations " +
  "government education healthcare insurance logistics hospitality real_estate retail telecom " +
  "utilities demo test"
).split(" ")

const paymentMethodsRules: Readonly<Record<string, Rule>> = {
  plugin: field(choice(plugins)),
  currencies: listOf(currencyCode, { allowEmpty: true }),
  customer_id: field(text(64)),
  operation: field(choice(["purchase", "authorize"])),
  tokenizable: field(boolean),
  auto_debit: field(boolean),
  pg_names: listOf(text(), { allowEmpty: true }),
  type: field(choice(["sandbox", "production"])),
  tags: listOf(choice(gatewayTags), { allowEmpty: true }),
  payment_services: listOf(choice(["apple_pay", "google_pay", "samsung_pay", "wallet"]), {
    allowEmpty: true,
  }),
}

/** The validated payment-methods filters (the rules above guarantee these types). */
interface PaymentMethodsFilters {
  readonly plugin: Plugin
  readonly currencies?: ReadonlyArray<string>
  readonly operation?: string
  readonly tokenizable?: boolean
  readonly auto_debit?: boolean
  readonly pg_names?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  readonly payment_services?: ReadonlyArray<string>
}

/** An OR filter: passes when nothing is asked for or when one wanted value is offered. */
const anyOf = (wanted: ReadonlyArray<string> | undefined, offered: ReadonlyArray<string>) =>
  wanted === undefined || wanted.length === 0 || wanted.some((value) => offered.includes(value))

const matchesFilters = (filters: PaymentMethodsFilters) => (gateway: Gateway) =>
  gateway.plugins.includes(filters.plugin) &&
  anyOf(filters.currencies, gateway.accepted_currencies) &&
  anyOf(filters.pg_names, [gateway.pg]) &&
  anyOf(filters.tags, gateway.tags) &&
  anyOf(
    filters.payment_services,
    gateway.payment_services.map((service) => service.code),
  ) &&
  (filters.operation === undefined || filters.operation === gateway.operation) &&
  (filters.tokenizable !== true || gateway.is_tokenizable) &&
  (filters.auto_debit !== true || gateway.auto_debit_enabled)

/** A `PGPaymentMethods` entry. */
const describeGateway = (host: string) => (gateway: Gateway) => ({
  code: gateway.code,
  name: gateway.name,
  is_sandbox: true,
  logo: assetUrl(host, gateway.code, "png"),
  wallets: gateway.wallets,
  payment_services: gateway.payment_services,
  default_currency: gateway.default_currency,
  accepted_currencies: gateway.accepted_currencies,
  operation: gateway.operation,
  operations: gateway.operations,
  is_tokenizable: gateway.is_tokenizable,
  auto_debit_enabled: gateway.auto_debit_enabled,
  tags: gateway.tags,
})

const listPaymentMethods = Effect.gen(function* () {
  const env = yield* SandboxEnv
  const body = yield* readBody(listFieldsOf(paymentMethodsRules))
  const filters = yield* validated(paymentMethodsRules, body, ["plugin"], fieldErrors)
  return json(200, {
    customer_payment_methods: [],
    payment_methods: gateways
      .filter(matchesFilters(filters as unknown as PaymentMethodsFilters))
      .map(describeGateway(env.host)),
  })
})

// ---------------------------------------------------------------------------------------------
// Router
// ---------------------------------------------------------------------------------------------

type Handler = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  Reply,
  SandboxEnv | HttpServerRequest.HttpServerRequest | HttpRouter.RouteContext
>

/** One path: authenticates, then dispatches on the method, answering 405 for the others. */
const endpoint = (methods: Partial<Record<HttpMethod.HttpMethod, Handler>>) =>
  Effect.gen(function* () {
    yield* authenticate
    const request = yield* HttpServerRequest.HttpServerRequest
    const handler = methods[request.method]
    if (handler === undefined) {
      return yield* new Reply({
        status: 405,
        body: { detail: `Method "${request.method}" not allowed.` },
        headers: { allow: Object.keys(methods).join(", ") },
      })
    }
    return yield* handler
  })

const router = HttpRouter.empty.pipe(
  HttpRouter.all("/b/checkout/v1/pymt-txn/", endpoint({ POST: createCheckout })),
  HttpRouter.all(
    "/b/checkout/v1/pymt-txn/:session_id/",
    endpoint({ GET: retrieveCheckout, PATCH: updateCheckout("patch"), PUT: updateCheckout("put") }),
  ),
  HttpRouter.all("/b/pbl/v2/payment-methods/", endpoint({ POST: listPaymentMethods })),
)

const app = router.pipe(
  Effect.catchTag("RouteNotFound", () => Effect.fail(detail(404, "Not found."))),
  Effect.catchTag("Reply", (reply) => Effect.succeed(replyToResponse(reply))),
)

// ---------------------------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------------------------

/** A fresh instance: its state, its web handler and the function that disposes of it. */
const build = (options: SandboxOptions = {}) =>
  Effect.map(Ref.make<SandboxState>({ sessions: HashMap.empty() }), (state) => {
    const env: Env = { host: options.host ?? defaultHost, apiKey: options.apiKey, state }
    const web = HttpApp.toWebHandlerLayer(app, Layer.succeed(SandboxEnv, env))
    const service: Service = {
      host: env.host,
      state,
      handler: (request) => web.handler(request),
    }
    return { service, dispose: web.dispose }
  })

/**
 * Builds a sandbox whose handler lives as long as the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: SandboxOptions): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(build(options), ({ dispose }) => Effect.promise(dispose)),
    ({ service }) => service,
  )

/**
 * A sandbox as a web handler, for `Deno.serve`, `Bun.serve` or a Node adapter. Call `dispose`
 * when the server stops.
 *
 * **Gotchas**: on Deno with a `node:http` server, call `server.closeAllConnections()` before
 * `server.close()`, or the process waits about 90 s for keep-alive connections.
 *
 * @since 0.1.0
 * @category constructors
 */
export const webHandler = (
  options?: SandboxOptions,
): {
  readonly handler: (request: Request) => Promise<Response>
  readonly dispose: () => Promise<void>
} => {
  const { service, dispose } = Effect.runSync(build(options))
  return { handler: service.handler, dispose }
}

/** The body of a client request as a web `BodyInit`. */
const webBody = (
  request: HttpClientRequest.HttpClientRequest,
): Effect.Effect<BodyInit | undefined, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(undefined)
    case "Raw":
      // A raw body is whatever the caller gave `HttpBody.raw`, meant for `fetch` as it is.
      return Effect.succeed(body.body as BodyInit)
    case "Uint8Array":
      // TypeScript's DOM types want an ArrayBuffer-backed view; the bytes are the same.
      return Effect.succeed(body.body as Uint8Array<ArrayBuffer>)
    case "FormData":
      return Effect.succeed(body.formData)
    case "Stream":
      return Effect.tryPromise({
        try: () => new Response(Stream.toReadableStream(body.stream)).arrayBuffer(),
        catch: (cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause }),
      })
  }
}

/** An `HttpClient` whose requests the sandbox answers in process. */
const clientOf = (sandbox: Service): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    webBody(request).pipe(
      Effect.map(
        (body) =>
          new Request(url, {
            method: request.method,
            headers: Headers.remove(request.headers, "content-length"),
            signal,
            ...(body === undefined ? {} : { body }),
          }),
      ),
      Effect.flatMap((webRequest) =>
        Effect.tryPromise({
          try: () => sandbox.handler(webRequest),
          catch: (cause) =>
            new HttpClientError.RequestError({ request, reason: "Transport", cause }),
        }),
      ),
      Effect.map((response) => HttpClientResponse.fromWeb(request, response)),
    ),
  )

/**
 * An `HttpClient` answered in process by a fresh sandbox, plus the {@link OttuSandbox} service
 * to inspect or drive it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithControl = (
  options?: SandboxOptions,
): Layer.Layer<HttpClient.HttpClient | OttuSandbox> =>
  Layer.scopedContext(
    Effect.map(make(options), (sandbox) =>
      Context.make(OttuSandbox, sandbox).pipe(
        Context.add(HttpClient.HttpClient, clientOf(sandbox)),
      ),
    ),
  )

/**
 * An `HttpClient` answered in process by a fresh sandbox: provide it instead of
 * `FetchHttpClient.layer` and every Ottu call runs against the simulator. Any base URL works.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options?: SandboxOptions) => Layer.Layer<HttpClient.HttpClient> =
  layerWithControl
