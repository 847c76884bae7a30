/**
 * The sandbox's gateway catalogue: the `pg_code`s it knows, what each one supports (plugins,
 * currencies, flow, operations, tokenization, auto-debit, wallets, tags), and the lookups the
 * routes use.
 *
 * @internal
 */

/** The transaction types, which Ottu also calls plugins. */
export const plugins = ["e_commerce", "payment_request"] as const

/**
 * The transaction type, which Ottu also calls the plugin.
 *
 * @since 0.1.0
 * @category models
 */
export type Plugin = (typeof plugins)[number]

/** The values of a gateway's `operation`: charge at once, or reserve and capture later. */
export const paymentOperations = ["purchase", "authorize"] as const

/** The codes of the wallet services a gateway may offer. */
export const paymentServiceCodes = ["apple_pay", "google_pay", "samsung_pay", "wallet"] as const

/** The vertical tags Ottu uses to filter gateways (API reference §6). */
export const gatewayTags = (
  "e_commerce crm pos invoicing subscriptions marketplace mobile_app ticket_booking donations " +
  "government education healthcare insurance logistics hospitality real_estate retail telecom " +
  "utilities demo test"
).split(" ")

/**
 * A wallet service a gateway offers (`PGPaymentMethods.payment_services[]`).
 *
 * @since 0.1.0
 * @category models
 */
export interface PaymentService {
  readonly code: (typeof paymentServiceCodes)[number]
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
  readonly operation: (typeof paymentOperations)[number]
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
export const pgCodes = Object.freeze({
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
} as const)

const applePay: PaymentService = { code: "apple_pay", name: "Apple Pay", name_ar: "آبل باي" }
const googlePay: PaymentService = { code: "google_pay", name: "Google Pay", name_ar: "جوجل باي" }

/** The catalogue as written; {@link gateways} is its frozen copy. */
const catalogue: ReadonlyArray<Gateway> = [
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

/** A gateway frozen with its lists and services: the catalogue is shared by every sandbox. */
const frozen = (gateway: Gateway): Gateway =>
  Object.freeze({
    ...gateway,
    plugins: Object.freeze([...gateway.plugins]),
    wallets: Object.freeze([...gateway.wallets]),
    payment_services: Object.freeze(gateway.payment_services.map((s) => Object.freeze({ ...s }))),
    accepted_currencies: Object.freeze([...gateway.accepted_currencies]),
    operations: Object.freeze([...gateway.operations]),
    tags: Object.freeze([...gateway.tags]),
  })

/**
 * Every gateway the sandbox knows, in the order the payment-methods endpoint lists them.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const gateways: ReadonlyArray<Gateway> = Object.freeze(catalogue.map(frozen))

const gatewayByCode: ReadonlyMap<string, Gateway> = new Map(gateways.map((g) => [g.code, g]))

/** Whether the catalogue has a gateway with this code. */
export const isGatewayCode = (code: string): boolean => gatewayByCode.has(code)

/** The gateway with this code, if the catalogue has one. */
export const gatewayOf = (code: string): Gateway | undefined => gatewayByCode.get(code)

/** The gateways of the given codes, in their order; unknown codes are skipped. */
export const gatewaysOf = (codes: ReadonlyArray<string>): ReadonlyArray<Gateway> =>
  codes.flatMap((code) => gatewayByCode.get(code) ?? [])

/** The URL of a gateway's static asset (its logo or icon) on the sandbox's host. */
export const assetUrl = (host: string, code: string, extension: string): string =>
  `https://${host}/static/gateways/${encodeURIComponent(code)}.${extension}`
