/**
 * Wallet: the request of each read (held to the contract) and its decoded answer, cursor pages
 * as page functions and Streams, input refused before sending, error statuses as typed errors,
 * the read-only POSTs retried as reads; and the sandbox's wallet routes.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream, TestClock } from "effect"
import { Checkout, OttuSandbox, Wallet } from "../src/index.ts"
import type { Recorded, Reply } from "./support/recording.ts"
import { onSandbox } from "./support/sandbox.ts"
import {
  apiKey,
  configLayer,
  failureOf,
  merchantId,
  runRecorded,
  runRetried,
  successOf,
} from "./support/setup.ts"

const accountsPath = "/b/wallet/ottu/v1/accounts/"
const entriesPath = "/b/wallet/ottu/v1/entries/"
const operationsPath = "/b/wallet/ottu/v1/operations/"
const sessionId = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const statusPath = `/b/checkout/v1/wallet/payment-sessions/${sessionId}/finalization-status/`

const account = {
  id: "3f0c2c1e-8a4b-4f7a-9d59-0f3a1e2b4c5d",
  customer_id: "cust-1",
  currency: "KWD",
  status: "active",
  balance: "50.000",
  available_balance: "45.500",
  created_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-02T10:00:00Z",
}

const entry = (n: number) => ({
  entry_type: "credit_refund",
  direction: "credit",
  amount: `${n}.000`,
  currency: "KWD",
  status: "completed",
  session_id: sessionId,
  pg_code: "knet",
  created_at: "2026-11-01T10:00:00Z",
})

/** Cursor pages over `total` entries: the cursor is the number of the last one sent. */
const cursorPages =
  (total: number) =>
  (req: Recorded): Reply => {
    const body = req.json as { pagination?: { cursor?: number | null; per_page?: number } }
    const perPage = body.pagination?.per_page ?? 20
    const from = body.pagination?.cursor ?? 0
    const end = Math.min(total, from + perPage)
    return {
      status: 200,
      json: {
        count: total,
        next: end < total ? { cursor: end, direction: "forward", per_page: perPage } : null,
        previous: null,
        results: Array.from({ length: end - from }, (_, i) => entry(from + i + 1)),
      },
    }
  }

describe("Wallet.accounts", () => {
  it.effect("POSTs the configured customer as JSON and decodes balances as strings", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Wallet.accounts({ currency: "KWD" }), {
        status: 200,
        json: {
          count: 1,
          next: null,
          previous: null,
          results: [{ ...account, balance: 50.5, tier: "gold" }],
        },
      })
      const page = successOf(exit)
      expect(page.items[0]).toMatchObject({ balance: "50.5", available_balance: "45.500" })
      expect(page.items[0]?.tier).toBe("gold")
      expect(Option.isNone(page.next)).toBe(true)
      const [req] = requests
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}${accountsPath}`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.json).toEqual({ customer_id: "cust-1", currency: "KWD" })
    }),
  )

  it.effect("an empty page is valid: the customer has no wallet yet", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Wallet.accounts({ customer_id: "cust-9" }), {
        status: 200,
        json: { count: 0, next: null, previous: null, results: [] },
      })
      expect(successOf(exit)).toEqual({ items: [], count: 0, next: Option.none() })
    }),
  )

  it.effect("503 (no wallet service) is an OttuServerError, retried as a read", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRetried(
        Wallet.accounts(),
        [
          { status: 503, json: { detail: "No wallet service is configured." } },
          { status: 200, json: { count: 0, next: null, previous: null, results: [] } },
        ],
        configLayer({ retry: { times: 2 } }),
      )
      expect(successOf(exit).count).toBe(0)
      expect(requests).toHaveLength(2)
    }),
  )

  it.effect("with retries off, 503 is an OttuServerError", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Wallet.accounts(), {
        status: 503,
        json: { detail: "No wallet service is configured." },
      })
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuServerError", status: 503 })
    }),
  )

  it.effect("refuses bad filters, or no customer at all, and sends nothing", () =>
    Effect.gen(function* () {
      for (const [params, config] of [
        [{ currency: "KD" }, configLayer()],
        [{ status: "frozen" }, configLayer()],
        [{ pagination: { per_page: 51 } }, configLayer()],
        [{ pagination: { cursor: 1.5 } }, configLayer()],
        [{ pagination: { direction: "sideways" } }, configLayer()],
        [{ customer: "x" }, configLayer()],
        [{}, configLayer({ customerId: undefined })],
      ] as const) {
        const { exit, requests } = yield* runRecorded(
          Wallet.accounts(params as Wallet.AccountsParams),
          { status: 200, json: {} },
          config,
        )
        expect(failureOf(exit)).toMatchObject({
          _tag: "OttuInvalidInputError",
          path: accountsPath,
        })
        expect(requests).toHaveLength(0)
      }
    }),
  )
})

describe("Wallet.entries", () => {
  it.effect("POSTs the filters and answers the next page's parameters", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Wallet.entries({
          currency: "KWD",
          entry_type: "credit_refund",
          date_from: "2026-11-01",
          date_to: "2026-11-30",
          pagination: { per_page: 2 },
        }),
        cursorPages(5),
      )
      const page = successOf(exit)
      expect(page.items.map((e) => e.amount)).toEqual(["1.000", "2.000"])
      expect(page.next).toEqual(
        Option.some({
          customer_id: "cust-1",
          currency: "KWD",
          entry_type: "credit_refund",
          date_from: "2026-11-01",
          date_to: "2026-11-30",
          pagination: { cursor: 2, direction: "forward", per_page: 2 },
        }),
      )
      expect(requests[0]?.url.pathname).toBe(entriesPath)
      expect(requests[0]?.json).toEqual({
        customer_id: "cust-1",
        currency: "KWD",
        entry_type: "credit_refund",
        date_from: "2026-11-01",
        date_to: "2026-11-30",
        pagination: { per_page: 2 },
      })
    }),
  )

  it.effect("entriesStream fetches pages on demand with the cursor Ottu answered", () =>
    Effect.gen(function* () {
      const three = yield* runRecorded(
        Stream.runCollect(
          Stream.take(Wallet.entriesStream({ currency: "KWD", pagination: { per_page: 3 } }), 3),
        ),
        cursorPages(7),
      )
      expect(three.requests).toHaveLength(1)
      const all = yield* runRecorded(
        Stream.runCollect(Wallet.entriesStream({ currency: "KWD", pagination: { per_page: 3 } })),
        cursorPages(7),
      )
      expect(Chunk.toArray(successOf(all.exit)).map((e) => e.amount)).toEqual(
        ["1", "2", "3", "4", "5", "6", "7"].map((n) => `${n}.000`),
      )
      expect(all.requests.map((r) => (r.json as { pagination: unknown }).pagination)).toEqual([
        { per_page: 3 },
        { cursor: 3, direction: "forward", per_page: 3 },
        { cursor: 6, direction: "forward", per_page: 3 },
      ])
    }),
  )

  it.effect("no account in the currency is an OttuBadRequestError with its detail", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Wallet.entries({ currency: "USD" }), {
        status: 400,
        json: { detail: "No USD wallet account found for customer." },
      })
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "No USD wallet account found for customer.",
      })
    }),
  )

  it.effect("refuses bad filters and sends nothing", () =>
    Effect.gen(function* () {
      for (const params of [
        {},
        { currency: "KWDX" },
        { currency: "KWD", direction: "sideways" },
        { currency: "KWD", entry_type: "gift" },
        { currency: "KWD", date_from: "2026-11-30", date_to: "2026-11-01" },
        { currency: "KWD", session_id: "a b" },
      ]) {
        const { exit, requests } = yield* runRecorded(
          Wallet.entries(params as Wallet.EntriesParams),
          { status: 200, json: {} },
        )
        expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
        expect(requests).toHaveLength(0)
      }
    }),
  )

  it.effect("an entry without an amount is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const { amount: _amount, ...broken } = entry(1)
      const { exit } = yield* runRecorded(Wallet.entries({ currency: "KWD" }), {
        status: 200,
        json: { count: 1, next: null, previous: null, results: [broken] },
      })
      expect(failureOf(exit)._tag).toBe("OttuDecodeError")
    }),
  )
})

describe("Wallet.operations", () => {
  it.effect("POSTs {operation_id} and decodes the operation with its entries", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Wallet.operations(42), {
        status: 200,
        json: {
          operation_type: "refund",
          status: "completed",
          session_id: sessionId,
          entries: [{ id: 7, ...entry(5) }],
        },
      })
      expect(successOf(exit)).toMatchObject({
        operation_type: "refund",
        entries: [{ id: 7, amount: "5.000" }],
      })
      expect(requests[0]?.url.pathname).toBe(operationsPath)
      expect(requests[0]?.json).toEqual({ operation_id: 42 })
    }),
  )

  it.effect("refuses an id that is not a positive integer and sends nothing", () =>
    Effect.gen(function* () {
      for (const id of [0, -1, 1.5, Number.NaN]) {
        const { exit, requests } = yield* runRecorded(Wallet.operations(id), { status: 200 })
        expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
        expect(requests).toHaveLength(0)
      }
    }),
  )
})

describe("Wallet.finalizationStatus", () => {
  it.effect("GETs the session's status", () =>
    Effect.gen(function* () {
      const body = {
        status: "SUCCEEDED",
        payment_transaction_id: sessionId,
        last_updated_at: "2026-11-01T10:00:00Z",
        source: "inquiry",
      }
      const { exit, requests } = yield* runRecorded(Wallet.finalizationStatus(sessionId), {
        status: 200,
        json: body,
      })
      expect(successOf(exit)).toEqual(body)
      expect(requests[0]?.method).toBe("GET")
      expect(requests[0]?.url.pathname).toBe(statusPath)
    }),
  )

  it.effect("404 is an OttuNotFoundError; a bad session id sends nothing", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Wallet.finalizationStatus(sessionId), {
        status: 404,
        json: { detail: "Not found." },
      })
      expect(failureOf(exit)._tag).toBe("OttuNotFoundError")
      const bad = yield* runRecorded(Wallet.finalizationStatus("../x"), { status: 200 })
      expect(failureOf(bad.exit)._tag).toBe("OttuInvalidInputError")
      expect(bad.requests).toHaveLength(0)
    }),
  )
})

describe("Wallet on the sandbox", () => {
  it.effect("operations show in the entries, pages and balances", () =>
    Effect.gen(function* () {
      const refund = yield* OttuSandbox.walletOperation({
        customer_id: "cust-7",
        currency: "KWD",
        amount: "10",
        session_id: sessionId,
      })
      for (const amount of ["1.5", "2", "3"]) {
        yield* OttuSandbox.walletOperation({
          customer_id: "cust-7",
          currency: "KWD",
          amount,
          operation_type: "deduction",
        })
      }
      yield* OttuSandbox.walletOperation({
        customer_id: "cust-7",
        currency: "KWD",
        amount: "0.5",
        operation_type: "reservation",
      })
      const [kwd] = (yield* Wallet.accounts()).items
      expect(kwd).toMatchObject({ currency: "KWD", balance: "3.500", available_balance: "3.000" })
      const entries = yield* Stream.runCollect(
        Wallet.entriesStream({ currency: "KWD", pagination: { per_page: 2 } }),
      )
      expect(Chunk.toArray(entries).map((e) => [e.entry_type, e.amount])).toEqual([
        ["credit_refund", "10.000"],
        ["debit_payment", "1.500"],
        ["debit_payment", "2.000"],
        ["debit_payment", "3.000"],
        ["reserve", "0.500"],
      ])
      const debits = yield* Wallet.entries({ currency: "KWD", direction: "debit" })
      expect(debits.count).toBe(4)
      const operation = yield* Wallet.operations(refund)
      expect(operation).toMatchObject({
        operation_type: "refund",
        status: "completed",
        session_id: sessionId,
        entries: [{ entry_type: "credit_refund", amount: "10.000" }],
      })
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("refusals: no account in the currency, unknown operation, debit beyond balance", () =>
    Effect.gen(function* () {
      const usd = yield* Effect.exit(Wallet.entries({ currency: "USD" }))
      expect(failureOf(usd)).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "No USD wallet account found for customer.",
      })
      const unknown = yield* Effect.exit(Wallet.operations(999))
      expect(failureOf(unknown)._tag).toBe("OttuBadRequestError")
      const overdraft = yield* Effect.exit(
        OttuSandbox.walletOperation({
          customer_id: "cust-7",
          currency: "KWD",
          amount: "1",
          operation_type: "deduction",
        }),
      )
      expect(failureOf(overdraft)._tag).toBe("SandboxControlError")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("the finalization status follows the session: PENDING, then SUCCEEDED", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create({
        type: "e_commerce",
        amount: "5.000",
        currency_code: "KWD",
        pg_codes: [OttuSandbox.pgCodes.knet],
      })
      const before = yield* Wallet.finalizationStatus(session.session_id)
      expect(before).toMatchObject({
        status: "PENDING",
        payment_transaction_id: session.session_id,
        source: "inquiry",
      })
      yield* TestClock.adjust("1 minute")
      yield* OttuSandbox.pay(session.session_id)
      const after = yield* Wallet.finalizationStatus(session.session_id)
      expect(after.status).toBe("SUCCEEDED")
      expect(after.last_updated_at).toBe(new Date(60_000).toISOString())
      const missing = yield* Effect.exit(Wallet.finalizationStatus(sessionId))
      expect(failureOf(missing)._tag).toBe("OttuNotFoundError")
    }).pipe(Effect.provide(onSandbox())),
  )
})
