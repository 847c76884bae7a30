/**
 * The API commands: `checkout create | get`, `payment-methods`, `status`, the operations
 * (`capture`, `refund`, `void`, `cancel`, `expire`) and `cards list`. Each validates its input
 * with the SDK (nothing is sent when it is refused) and calls the SDK's operation, configured by
 * `connection.ts`.
 *
 * @module
 */
import { randomUUID } from "node:crypto"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Cards from "../Cards.ts"
import * as Checkout from "../Checkout.ts"
import * as Inquiry from "../Inquiry.ts"
import * as Operation from "../Operation.ts"
import * as PaymentMethods from "../PaymentMethods.ts"
import * as Connection from "./connection.ts"
import { checkoutType, currencyCode, given, optionalText, pgCodes } from "./options.ts"
import { emit, fields, json, table } from "./output.ts"

const sessionId = Args.text({ name: "session_id" })

/** A checkout session in a few lines. */
const sessionText = (session: Checkout.CheckoutSession): string =>
  fields([
    ["session_id", session.session_id],
    ["state", session.state],
    ["amount", `${session.amount} ${session.currency_code}`],
    ["pg_codes", session.pg_codes?.join(", ")],
    ["order_no", session.order_no],
    ["customer_id", session.customer_id],
    ["checkout_url", session.checkout_url],
  ])

const create = Command.make(
  "create",
  {
    connection: Connection.flags,
    amount: Options.text("amount").pipe(Options.withDescription("decimal amount, such as 10.000")),
    currency: currencyCode,
    pgCodes: pgCodes("gateway codes, comma-separated"),
    type: checkoutType("e_commerce"),
    customerId: optionalText("customer-id", "the customer (OTTU_CUSTOMER_ID)"),
    orderNo: optionalText("order-no", "your order number"),
    webhookUrl: optionalText("webhook-url", "where Ottu sends the payment webhook"),
    json,
  },
  (input) =>
    Checkout.create({
      type: input.type,
      amount: input.amount,
      currency_code: input.currency,
      pg_codes: input.pgCodes,
      ...given("customer_id", input.customerId),
      ...given("order_no", input.orderNo),
      ...given("webhook_url", input.webhookUrl),
    }).pipe(
      Effect.flatMap((session) => emit(input.json, session, sessionText)),
      Effect.provide(Connection.layer(input.connection)),
    ),
).pipe(Command.withDescription("create a checkout session"))

const get = Command.make("get", { connection: Connection.flags, sessionId, json }, (input) =>
  Checkout.retrieve(input.sessionId).pipe(
    Effect.flatMap((session) => emit(input.json, session, sessionText)),
    Effect.provide(Connection.layer(input.connection)),
  ),
).pipe(Command.withDescription("read a checkout session"))

const checkout = Command.make("checkout").pipe(
  Command.withDescription("create and read checkout sessions"),
  Command.withSubcommands([create, get]),
)

const paymentMethods = Command.make(
  "payment-methods",
  {
    connection: Connection.flags,
    plugin: Options.choice("plugin", ["e_commerce", "payment_request"]).pipe(
      Options.withDefault("e_commerce" as const),
    ),
    currency: optionalText("currency", "only gateways accepting this currency"),
    customerId: optionalText("customer-id", "the customer whose saved cards to include"),
    json,
  },
  (input) =>
    PaymentMethods.list({
      plugin: input.plugin,
      ...Option.match(input.currency, { onNone: () => ({}), onSome: (c) => ({ currencies: [c] }) }),
      ...given("customer_id", input.customerId),
    }).pipe(
      Effect.flatMap((answer) =>
        emit(input.json, answer, ({ payment_methods }) =>
          table(
            ["code", "name", "currency", "operation", "tokenizable"],
            payment_methods.map((m) => [
              m.code,
              m.name,
              m.default_currency,
              m.operation,
              m.is_tokenizable,
            ]),
          ),
        ),
      ),
      Effect.provide(Connection.layer(input.connection)),
    ),
).pipe(Command.withDescription("list the gateways a checkout can use"))

const status = Command.make(
  "status",
  {
    connection: Connection.flags,
    sessionId: Args.optional(sessionId),
    orderNo: optionalText("order-no", "query by order number instead of session id"),
    json,
  },
  (input) =>
    Effect.gen(function* () {
      const target = Option.match(input.sessionId, {
        onSome: (session_id) => ({ session_id }),
        onNone: () => ({ order_no: Option.getOrElse(input.orderNo, () => "") }),
      })
      const payment = yield* Inquiry.query(target)
      yield* emit(input.json, payment, (p) =>
        fields([
          ["session_id", p.session_id],
          ["order_no", p.order_no],
          ["state", p.state],
          ["result", p.result],
          ["amount", `${p.amount} ${p.currency_code}`],
          ["pg_code", p.gateway_account],
        ]),
      )
    }).pipe(Effect.provide(Connection.layer(input.connection))),
).pipe(Command.withDescription("query a payment's status (Ottu throttles this: not for polling)"))

/** `--tracking-key K` or `--auto-key` (a fresh UUID, printed so the call can be repeated). */
const trackingKey = Options.all({
  trackingKey: optionalText("tracking-key", "run the operation once per key (safe to repeat)"),
  autoKey: Options.boolean("auto-key").pipe(
    Options.withDescription("use a fresh tracking key (printed; on stderr with --json)"),
  ),
})

const operation = (
  name: "capture" | "refund" | "void" | "cancel" | "expire",
  run: Operation.Run<Operation.CaptureOptions>,
  description: string,
) =>
  Command.make(
    name,
    {
      connection: Connection.flags,
      sessionId,
      amount: optionalText("amount", "partial amount (capture and refund)"),
      keys: trackingKey,
      json,
    },
    (input) =>
      Effect.gen(function* () {
        const key = input.keys.autoKey ? Option.some(randomUUID()) : input.keys.trackingKey
        // With --json, stdout holds Ottu's answer only: a generated key goes to stderr.
        if (input.keys.autoKey && input.json) {
          yield* Console.error(`tracking key: ${Option.getOrThrow(key)}`)
        }
        const options = {
          ...given("trackingKey", key),
          ...(name === "capture" || name === "refund" ? given("amount", input.amount) : {}),
        }
        if (name !== "capture" && name !== "refund" && Option.isSome(input.amount)) {
          return yield* Effect.fail(new Error(`${name} takes no --amount`))
        }
        const result = yield* run({ session_id: input.sessionId }, options)
        yield* emit(input.json, result, (r) =>
          fields([
            ["operation", name],
            ["result", r.result],
            ["detail", "detail" in r ? r.detail : undefined],
            ["tracking key", Option.getOrUndefined(key)],
          ]),
        )
      }).pipe(Effect.provide(Connection.layer(input.connection))),
  ).pipe(Command.withDescription(description))

const operations = [
  operation("capture", Operation.capture, "capture an authorized payment (all of it, or --amount)"),
  operation("refund", Operation.refund, "refund a paid payment (all of it, or --amount)"),
  operation("void", Operation.void, "void an authorization"),
  operation("cancel", Operation.cancel, "cancel a session not paid yet"),
  operation("expire", Operation.expire, "expire a session not paid yet"),
] as const

const cardsList = Command.make(
  "list",
  {
    connection: Connection.flags,
    customerId: optionalText("customer-id", "the customer (OTTU_CUSTOMER_ID)"),
    json,
  },
  (input) =>
    Cards.list(given("customer_id", input.customerId)).pipe(
      Effect.flatMap((cards) =>
        emit(input.json, cards, (list) =>
          list.length === 0
            ? "no saved cards"
            : table(
                ["token", "brand", "number", "expiry", "pg_code", "preferred"],
                list.map((c) => [
                  c.token,
                  c.brand,
                  c.number,
                  `${c.expiry_month}/${c.expiry_year}`,
                  c.pg_code,
                  c.is_preferred,
                ]),
              ),
        ),
      ),
      Effect.provide(Connection.layer(input.connection)),
    ),
).pipe(Command.withDescription("list a customer's saved cards"))

const cards = Command.make("cards").pipe(
  Command.withDescription("saved cards"),
  Command.withSubcommands([cardsList]),
)

/** Every API command. */
export const commands = [checkout, paymentMethods, status, ...operations, cards] as const
