/**
 * Properties of checkout create (fast-check): every valid generated input becomes a request that
 * passes the OpenAPI validator of the recording client, and every input broken in one field is
 * refused before anything is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { Checkout } from "../src/index.ts"
import { failureOf, runRecorded, sessionBody } from "./support/setup.ts"

/** Currencies with their decimals. */
const currencies = [
  ["KWD", 3],
  ["BHD", 3],
  ["USD", 2],
  ["SAR", 2],
  ["EUR", 2],
  ["JPY", 0],
] as const

const word = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[a-z0-9][a-z0-9-]{${min - 1},${max - 1}}$`))

/** A valid create input, with the currency it uses. */
const validInput = fc
  .record({
    currency: fc.constantFrom(...currencies),
    whole: fc.integer({ min: 1, max: 9_999_999 }),
    fraction: fc.integer({ min: 0, max: 999 }),
    type: fc.constantFrom("e_commerce", "payment_request"),
    pg_codes: fc.uniqueArray(word(2, 20), { minLength: 1, maxLength: 3 }),
    order_no: fc.option(word(1, 32), { nil: undefined }),
    customer_phone: fc.option(fc.stringMatching(/^\+9655\d{7}$/), { nil: undefined }),
    customer_first_name: fc.option(fc.stringMatching(/^[A-Z][a-z]{1,20}$/), { nil: undefined }),
  })
  .map(({ currency, whole, fraction, order_no, customer_phone, customer_first_name, ...rest }) => {
    const [code, decimals]: readonly [string, number] = currency
    return {
      ...rest,
      currency_code: code,
      amount:
        decimals === 0
          ? String(whole)
          : `${whole}.${String(fraction % 10 ** decimals).padStart(decimals, "0")}`,
      ...(order_no === undefined ? {} : { order_no }),
      ...(customer_phone === undefined ? {} : { customer_phone }),
      ...(customer_first_name === undefined ? {} : { customer_first_name }),
    }
  })

/** One way to break a valid input. */
const breakages: ReadonlyArray<
  readonly [string, (input: Record<string, unknown>) => Record<string, unknown>]
> = [
  ["four decimals", (input) => ({ ...input, amount: "1.2345" })],
  ["a number instead of a string", (input) => ({ ...input, amount: 12.5 })],
  ["a negative amount", (input) => ({ ...input, amount: "-1.000" })],
  ["words as the amount", (input) => ({ ...input, amount: "ten" })],
  ["an unknown currency", (input) => ({ ...input, currency_code: "XYZ" })],
  ["a lower-case currency", (input) => ({ ...input, currency_code: "kwd" })],
  ["an unknown type", (input) => ({ ...input, type: "donation" })],
  ["no type", ({ type: _, ...input }) => input],
  ["no amount", ({ amount: _, ...input }) => input],
  ["an unknown field", (input) => ({ ...input, amuont: "1.000" })],
]

describe("checkout create, for generated inputs", () => {
  it.effect("valid inputs encode to requests that match the official spec", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(validInput, (input) =>
          Effect.runPromise(
            Effect.gen(function* () {
              const { exit, requests } = yield* runRecorded(
                Checkout.create(input as Checkout.CreateInput),
                { status: 201, json: sessionBody() },
              )
              // A contract violation kills the recorder, so a success means the request passed.
              expect(Exit.isSuccess(exit)).toBe(true)
              expect(requests).toHaveLength(1)
              expect(requests[0]?.json).toMatchObject({
                amount: input.amount,
                currency_code: input.currency_code,
              })
            }),
          ),
        ),
        { numRuns: 150 },
      ),
    ),
  )

  for (const [name, breakIt] of breakages) {
    it.effect(`inputs with ${name} are refused before sending`, () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(validInput, (input) =>
            Effect.runPromise(
              Effect.gen(function* () {
                const { exit, requests } = yield* runRecorded(
                  Checkout.create(breakIt(input) as unknown as Checkout.CreateInput),
                  { status: 201, json: sessionBody() },
                )
                expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
                expect(requests).toHaveLength(0)
              }),
            ),
          ),
          { numRuns: 30 },
        ),
      ),
    )
  }
})
