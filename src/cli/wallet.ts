/**
 * `ottu wallet entries`: one page of the ledger entries of a customer's wallet account in a
 * currency (`Wallet.entries`), with the cursor of the next page.
 *
 * @module
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Wallet from "../Wallet.ts"
import * as Connection from "./connection.ts"
import { given, optionalInteger, optionalText } from "./options.ts"
import { emit, json, table } from "./output.ts"

const entries = Command.make(
  "entries",
  {
    connection: Connection.flags,
    customerId: optionalText("customer-id", "the customer (OTTU_CUSTOMER_ID)"),
    currency: Options.text("currency").pipe(
      Options.withDescription("the account's currency (ISO 4217)"),
    ),
    perPage: optionalInteger("per-page", "entries per page, 1 to 50 (Ottu's default 20)"),
    cursor: optionalInteger("cursor", "the page after this record id (the cursor a page prints)"),
    json,
  },
  (input) => {
    const pagination = {
      ...Option.match(input.perPage, { onNone: () => ({}), onSome: (per_page) => ({ per_page }) }),
      ...Option.match(input.cursor, { onNone: () => ({}), onSome: (cursor) => ({ cursor }) }),
    }
    return Wallet.entries({
      currency: input.currency,
      ...given("customer_id", input.customerId),
      ...(Object.keys(pagination).length === 0 ? {} : { pagination }),
    }).pipe(
      Effect.flatMap((page) => {
        const next = Option.getOrNull(Option.flatMapNullable(page.next, (p) => p.pagination))
        return emit(input.json, { count: page.count, next, results: page.items }, ({ results }) =>
          [
            results.length === 0
              ? "no entries"
              : table(
                  ["created_at", "entry_type", "direction", "amount", "status", "session_id"],
                  results.map((e) => [
                    e.created_at,
                    e.entry_type,
                    e.direction,
                    `${e.amount} ${e.currency}`,
                    e.status,
                    e.session_id,
                  ]),
                ),
            ...(next?.cursor == null ? [] : [`next page: --cursor ${next.cursor}`]),
          ].join("\n"),
        )
      }),
      Effect.provide(Connection.layer(input.connection)),
    )
  },
).pipe(Command.withDescription("list the ledger entries of a customer's wallet account"))

/** `ottu wallet …`. */
export const wallet = Command.make("wallet").pipe(
  Command.withDescription("customers' wallets"),
  Command.withSubcommands([entries]),
)
