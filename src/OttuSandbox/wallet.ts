/**
 * The customer wallet (API reference §11.8): accounts (one per customer and currency, opened by
 * their first credit), their ledger entries and the operations that made them, all added through
 * the control API ({@link walletOperation}); the cursor-paged reads
 * (`POST /b/wallet/ottu/v1/accounts/` and `/entries/`), one operation (`/operations/`), and the
 * finalization status of a payment session, read from the session's state.
 *
 * Pages run over record ids, oldest first: `forward` from a cursor lists the records after it,
 * `backward` the ones before it; `count` is the number of records the filters match.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { isCurrencyCode } from "../internal/currency.ts"
import { SandboxControlError } from "../OttuError.ts"
import { choice, date, type Fields, integer, object, text } from "./checks.ts"
import type { CheckoutState } from "./lifecycle.ts"
import { fromMinor, sum, toMinor } from "./money.ts"
import { detail, json } from "./reply.ts"
import { readBody } from "./request.ts"
import { type FieldErrors, field, fieldErrors, type Rules, validated } from "./rules.ts"
import { findSession, SandboxEnv, type SandboxState } from "./state.ts"

/** A wallet account: one per customer and currency. */
interface Account {
  readonly seq: number
  readonly id: string
  readonly customer_id: string
  readonly currency: string
  readonly status: "active" | "suspended" | "closed"
  readonly created_at: number
}

/** A ledger entry; its amount in minor units. */
interface Entry {
  readonly seq: number
  readonly account: string
  readonly operation: number
  readonly entry_type: string
  readonly direction: "credit" | "debit"
  readonly amount: bigint
  readonly currency: string
  readonly status: "pending" | "completed" | "failed"
  readonly session_id: string | undefined
  readonly pg_code: string | undefined
  readonly provider: string
  readonly created_at: number
}

/** A wallet operation and the entries it made. */
interface Operation {
  readonly id: number
  readonly operation_type: string
  readonly status: string
  readonly session_id: string
}

/** What the sandbox remembers of wallets; `seq` numbers every record. */
export interface WalletState {
  readonly accounts: ReadonlyArray<Account>
  readonly entries: ReadonlyArray<Entry>
  readonly operations: ReadonlyArray<Operation>
  readonly seq: number
}

/**
 * A wallet operation made through the control API: a `refund` credits the wallet
 * (`credit_refund`), an `adjustment` credits or debits it (`direction`, credit by default), a
 * `deduction` debits it (`debit_payment`), a `reservation` holds funds (`reserve`, pending). The
 * first credit in a currency opens the customer's account in it; a debit or reservation needs
 * the available balance.
 *
 * @since 0.1.0
 * @category control
 */
export interface WalletOperationOptions {
  readonly customer_id: string
  readonly currency: string
  /** A decimal string in the currency's decimals, such as `"5.000"`. */
  readonly amount: string
  readonly operation_type?: "refund" | "adjustment" | "deduction" | "reservation"
  readonly direction?: "credit" | "debit"
  readonly session_id?: string
  readonly pg_code?: string
}

const iso = (instant: number) => new Date(instant).toISOString()

/** What an operation writes: its entry type, direction and statuses. */
const entryOf = (options: WalletOperationOptions) => {
  switch (options.operation_type ?? "refund") {
    case "refund":
      return { entry_type: "credit_refund", direction: "credit", status: "completed" } as const
    case "adjustment":
      return options.direction === "debit"
        ? ({ entry_type: "debit_adjustment", direction: "debit", status: "completed" } as const)
        : ({ entry_type: "credit_adjustment", direction: "credit", status: "completed" } as const)
    case "deduction":
      return { entry_type: "debit_payment", direction: "debit", status: "completed" } as const
    case "reservation":
      return { entry_type: "reserve", direction: "debit", status: "pending" } as const
  }
}

/** The balances of an account: completed entries, and that less the pending debits. */
const balancesOf = (wallet: WalletState, account: Account) => {
  const own = wallet.entries.filter((entry) => entry.account === account.id)
  const signed = (entry: Entry) => (entry.direction === "credit" ? entry.amount : -entry.amount)
  const balance = sum(own.filter((e) => e.status === "completed").map(signed))
  const held = sum(
    own.filter((e) => e.status === "pending" && e.direction === "debit").map((e) => e.amount),
  )
  return { balance, available: balance - held }
}

/** Makes a wallet operation (the control API); answers its id. */
export const walletOperation = (
  ref: Ref.Ref<SandboxState>,
  options: WalletOperationOptions,
): Effect.Effect<number, SandboxControlError> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.flatMap(
      Ref.modify(ref, (state): readonly [Either.Either<number, string>, SandboxState] => {
        const refuse = (message: string) => [Either.left(message), state] as const
        const amount = isCurrencyCode(options.currency)
          ? toMinor(options.amount, options.currency)
          : undefined
        if (amount === undefined || amount <= 0n) {
          return refuse(`${options.amount} ${options.currency} is not a positive amount`)
        }
        const shape = entryOf(options)
        const wallet = state.wallet
        const existing = wallet.accounts.find(
          (a) => a.customer_id === options.customer_id && a.currency === options.currency,
        )
        if (existing === undefined && shape.direction === "debit") {
          return refuse(`${options.customer_id} has no ${options.currency} wallet account`)
        }
        if (
          existing !== undefined &&
          shape.direction === "debit" &&
          balancesOf(wallet, existing).available < amount
        ) {
          return refuse(`the available balance is less than ${options.amount}`)
        }
        let seq = wallet.seq
        const account: Account = existing ?? {
          seq: ++seq,
          id: crypto.randomUUID(),
          customer_id: options.customer_id,
          currency: options.currency,
          status: "active",
          created_at: now,
        }
        const operation: Operation = {
          id: ++seq,
          operation_type: options.operation_type ?? "refund",
          status: shape.status,
          session_id: options.session_id ?? "",
        }
        const entry: Entry = {
          seq: ++seq,
          account: account.id,
          operation: operation.id,
          entry_type: shape.entry_type,
          direction: shape.direction,
          amount,
          currency: options.currency,
          status: shape.status,
          session_id: options.session_id,
          pg_code: options.pg_code,
          provider: "wallet_ottu",
          created_at: now,
        }
        const next: WalletState = {
          accounts: existing === undefined ? [...wallet.accounts, account] : wallet.accounts,
          entries: [...wallet.entries, entry],
          operations: [...wallet.operations, operation],
          seq,
        }
        return [Either.right(operation.id), { ...state, wallet: next }]
      }),
      Either.match({
        onLeft: (message) => Effect.fail(new SandboxControlError({ message })),
        onRight: Effect.succeed,
      }),
    ),
  )

/** A validated cursor. */
interface Cursor {
  readonly cursor: number | null
  readonly direction: "forward" | "backward"
  readonly per_page: number
}

/** The `pagination` object of a body, or its field errors (nested, as DRF reports them). */
const cursorOf = (value: unknown): Either.Either<Cursor, FieldErrors> => {
  if (value === undefined) return Either.right({ cursor: null, direction: "forward", per_page: 20 })
  const fields = object(value)
  if (Either.isLeft(fields)) return Either.left({ pagination: fields.left })
  const given = fields.right
  const errors: Record<string, ReadonlyArray<string>> = {}
  const cursor = given.cursor === undefined || given.cursor === null ? null : integer(given.cursor)
  if (cursor !== null && Either.isLeft(cursor)) errors.cursor = cursor.left
  const direction =
    given.direction === undefined
      ? Either.right("forward")
      : choice(["forward", "backward"])(given.direction)
  if (Either.isLeft(direction)) errors.direction = direction.left
  const perPage = given.per_page === undefined ? Either.right(20) : integer(given.per_page)
  if (Either.isLeft(perPage)) errors.per_page = perPage.left
  else if (perPage.right < 1) errors.per_page = ["Ensure this value is greater than or equal to 1."]
  else if (perPage.right > 50) errors.per_page = ["Ensure this value is less than or equal to 50."]
  if (Object.keys(errors).length > 0) return Either.left({ pagination: errors } as never)
  return Either.right({
    cursor: cursor === null ? null : Either.getOrElse(cursor, () => 0),
    direction: Either.getOrElse(direction, () => "forward") as Cursor["direction"],
    per_page: Either.getOrElse(perPage, () => 20),
  })
}

/** One page of records (oldest first) from a cursor, with the cursors around it. */
const pageOf = <A extends { readonly seq: number }>(records: ReadonlyArray<A>, at: Cursor) => {
  const { cursor, direction, per_page } = at
  const page =
    direction === "forward"
      ? records.filter((r) => cursor === null || r.seq > cursor).slice(0, per_page)
      : records.filter((r) => cursor === null || r.seq < cursor).slice(-per_page)
  const first = page[0]
  const last = page.at(-1)
  const before = first !== undefined && records.some((r) => r.seq < first.seq)
  const after = last !== undefined && records.some((r) => r.seq > last.seq)
  const forward =
    after && last !== undefined ? { cursor: last.seq, direction: "forward", per_page } : null
  const backward =
    before && first !== undefined ? { cursor: first.seq, direction: "backward", per_page } : null
  return {
    count: records.length,
    next: direction === "forward" ? forward : backward,
    previous: direction === "forward" ? (cursor === null ? null : backward) : forward,
    results: page,
  }
}

/** A body validated by `rules` with its `pagination` cursor, or the 400 of every error. */
const readQuery = (rules: Rules, required: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { pagination, ...body } = yield* readBody(new Set())
    const cursor = cursorOf(pagination)
    const fields = yield* Effect.either(validated(rules, body, required, fieldErrors))
    if (Either.isLeft(fields) || Either.isLeft(cursor)) {
      const fieldErrorsOf = Either.isLeft(fields) ? (fields.left.body as FieldErrors) : {}
      return yield* fieldErrors({
        ...fieldErrorsOf,
        ...(Either.isLeft(cursor) ? cursor.left : {}),
      })
    }
    return { fields: fields.right, cursor: cursor.right }
  })

const accountRules: Rules = {
  customer_id: field(text(64)),
  currency: field(text(3)),
  status: field(choice(["active", "suspended", "closed"])),
}

/** POST: one page of the customer's accounts. */
export const listAccounts = Effect.gen(function* () {
  const { fields, cursor } = yield* readQuery(accountRules, ["customer_id"])
  const { state } = yield* SandboxEnv
  const wallet = (yield* Ref.get(state)).wallet
  const matching = wallet.accounts.filter(
    (a) =>
      a.customer_id === fields.customer_id &&
      (fields.currency === undefined || a.currency === fields.currency) &&
      (fields.status === undefined || a.status === fields.status),
  )
  const page = pageOf(matching, cursor)
  return json(200, {
    ...page,
    results: page.results.map((account) => {
      const { balance, available } = balancesOf(wallet, account)
      const updated = wallet.entries
        .filter((e) => e.account === account.id)
        .reduce((latest, e) => Math.max(latest, e.created_at), account.created_at)
      return {
        id: account.id,
        customer_id: account.customer_id,
        currency: account.currency,
        status: account.status,
        balance: fromMinor(balance, account.currency),
        available_balance: fromMinor(available, account.currency),
        created_at: iso(account.created_at),
        updated_at: iso(updated),
      }
    }),
  })
})

const entryRules: Rules = {
  ...accountRules,
  entry_type: field(
    choice([
      "credit_refund",
      "debit_payment",
      "reserve",
      "release",
      "expire",
      "reversal",
      "credit_adjustment",
      "debit_adjustment",
    ]),
  ),
  direction: field(choice(["credit", "debit"])),
  status: field(choice(["pending", "completed", "failed"])),
  session_id: field(text(128)),
  provider: field(text(64)),
  pg_code: field(text(64)),
  date_from: field(date),
  date_to: field(date),
}

/** Whether an entry passes the filters of a validated body. */
const matches = (entry: Entry, fields: Fields): boolean => {
  const day = iso(entry.created_at).slice(0, 10)
  const same = (name: keyof Entry) => fields[name] === undefined || entry[name] === fields[name]
  return (
    same("entry_type") &&
    same("direction") &&
    same("status") &&
    same("session_id") &&
    same("provider") &&
    same("pg_code") &&
    (fields.date_from === undefined || day >= (fields.date_from as string)) &&
    (fields.date_to === undefined || day <= (fields.date_to as string))
  )
}

const entryPayload = (entry: Entry) => ({
  entry_type: entry.entry_type,
  direction: entry.direction,
  amount: fromMinor(entry.amount, entry.currency),
  currency: entry.currency,
  status: entry.status,
  ...(entry.session_id === undefined ? {} : { session_id: entry.session_id }),
  ...(entry.pg_code === undefined ? {} : { pg_code: entry.pg_code }),
  created_at: iso(entry.created_at),
})

/** POST: one page of the entries of the customer's account in a currency. */
export const listEntries = Effect.gen(function* () {
  const { fields, cursor } = yield* readQuery(entryRules, ["customer_id", "currency"])
  const { state } = yield* SandboxEnv
  const wallet = (yield* Ref.get(state)).wallet
  const account = wallet.accounts.find(
    (a) => a.customer_id === fields.customer_id && a.currency === fields.currency,
  )
  if (account === undefined) {
    return yield* detail(400, `No ${String(fields.currency)} wallet account found for customer.`)
  }
  const matching = wallet.entries.filter((e) => e.account === account.id && matches(e, fields))
  const page = pageOf(matching, cursor)
  return json(200, { ...page, results: page.results.map(entryPayload) })
})

/** POST: one wallet operation and its entries; an unknown id is a 400, as the wallet forwards. */
export const operationDetails = Effect.gen(function* () {
  const body = yield* readBody(new Set())
  const fields = yield* validated(
    { operation_id: field(integer) },
    body,
    ["operation_id"],
    fieldErrors,
  )
  const { state } = yield* SandboxEnv
  const wallet = (yield* Ref.get(state)).wallet
  const operation = wallet.operations.find((o) => o.id === fields.operation_id)
  if (operation === undefined) return yield* detail(400, "Operation not found.")
  return json(200, {
    operation_type: operation.operation_type,
    status: operation.status,
    session_id: operation.session_id,
    entries: wallet.entries
      .filter((e) => e.operation === operation.id)
      .map((e) => ({ id: e.seq, ...entryPayload(e) })),
  })
})

/** The wallet's name for a checkout state. */
const finalization = (state: CheckoutState): string => {
  switch (state) {
    case "paid":
    case "authorized":
    case "refunded":
      return "SUCCEEDED"
    case "failed":
    case "expired":
    case "invalided":
      return "FAILED"
    case "canceled":
      return "CANCELLED"
    case "created":
    case "pending":
    case "attempted":
      return "PENDING"
    default:
      return "UNKNOWN"
  }
}

/** GET: the finalization status of the session named by the path. */
export const finalizationStatus = Effect.gen(function* () {
  const { session_id = "" } = yield* HttpRouter.params
  const found = yield* findSession(session_id)
  if (Option.isNone(found)) return yield* detail(404, "Not found.")
  const session = found.value
  const changed = Math.max(
    session.created_at,
    ...session.attempts.map((a) => a.at),
    ...session.transactions.map((t) => t.at),
  )
  return json(200, {
    status: finalization(session.state),
    payment_transaction_id: session.session_id,
    last_updated_at: iso(changed),
    source: "inquiry",
  })
})
