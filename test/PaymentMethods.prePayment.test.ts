/**
 * `PaymentMethods.prePaymentCheck`: the request (held to the contract), the three providers'
 * answers, retried as a read, input refused before sending, and the sandbox's route answering
 * from the session's state.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Checkout, Operation, PaymentMethods } from "../src/index.ts"
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

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const path = `/b/checkout/api/sdk/v1/pre-payment-option-check/${id}/`

describe("PaymentMethods.prePaymentCheck", () => {
  it.effect("POSTs {pg_code} to the session's path and reads Tamara's answer", () =>
    Effect.gen(function* () {
      const tamara = {
        single_checkout_enabled: true,
        is_available: true,
        payment_labels: [
          {
            payment_type: "PAY_BY_INSTALMENTS",
            instalment: 3,
            description_en: "Split in 3",
            description_ar: "قسّمها على 3",
          },
        ],
        extra: "kept",
      }
      const { exit, requests } = yield* runRecorded(
        PaymentMethods.prePaymentCheck({ session_id: id, pg_code: "tamara" }),
        { status: 200, json: tamara },
      )
      expect(successOf(exit)).toEqual(tamara)
      expect(requests).toHaveLength(1)
      const req = requests[0]
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}${path}`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.json).toEqual({ pg_code: "tamara" })
    }),
  )

  it.effect("Tabby's and Taly's answers: is_available, true when absent (the spec's default)", () =>
    Effect.gen(function* () {
      const check = PaymentMethods.prePaymentCheck({ session_id: id, pg_code: "tabby" })
      const no = yield* runRecorded(check, { status: 200, json: { is_available: false } })
      expect(successOf(no.exit)).toEqual({ is_available: false })
      const bare = yield* runRecorded(check, { status: 200, json: {} })
      expect(successOf(bare.exit)).toEqual({ is_available: true })
      const wrong = yield* runRecorded(check, { status: 200, json: { is_available: "yes" } })
      expect(failureOf(wrong.exit)).toMatchObject({ _tag: "OttuDecodeError" })
    }),
  )

  it.effect("errors: 400 field errors, 403", () =>
    Effect.gen(function* () {
      const check = PaymentMethods.prePaymentCheck({ session_id: id, pg_code: "tabby" })
      const bad = yield* runRecorded(check, {
        status: 400,
        json: { pg_code: ["Object with code=tabby does not exist."] },
      })
      expect(failureOf(bad.exit)).toMatchObject({
        _tag: "OttuBadRequestError",
        path,
        errors: { pg_code: ["Object with code=tabby does not exist."] },
      })
      const forbidden = yield* runRecorded(check, { status: 403, json: { detail: "Forbidden" } })
      expect(failureOf(forbidden.exit)).toMatchObject({ _tag: "OttuForbiddenError" })
    }),
  )

  it.effect("a pure check: retried on a transient failure", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRetried(
        PaymentMethods.prePaymentCheck({ session_id: id, pg_code: "tabby" }),
        [
          { status: 502, json: {} },
          { status: 200, json: { is_available: true } },
        ],
        configLayer({ retry: { times: 2, base: "1 second" } }),
      )
      expect(successOf(exit)).toEqual({ is_available: true })
      expect(requests).toHaveLength(2)
    }),
  )

  it.effect("bad input is refused, nothing sent", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ session_id: "a/b", pg_code: "tabby" }, "session_id"],
        [{ session_id: id, pg_code: "" }, "pg_code"],
        [{ session_id: id, pg_code: "x".repeat(51) }, "pg_code"],
        [{ session_id: id }, "pg_code"],
      ]
      for (const [params, field] of cases) {
        const { exit, requests } = yield* runRecorded(
          // biome-ignore lint/suspicious/noExplicitAny: input as a JavaScript caller might pass it
          PaymentMethods.prePaymentCheck(params as any),
          { status: 200, json: {} },
        )
        expect(requests).toHaveLength(0)
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(error.issues.map((i) => i.field)).toContain(field)
        }
      }
    }),
  )

  it.effect("on the sandbox: available while the session can be paid", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create({
        type: "e_commerce",
        amount: "20.230",
        currency_code: "KWD",
        pg_codes: ["knet", "credit-card"],
      })
      const check = (pg_code: string) =>
        PaymentMethods.prePaymentCheck({ session_id: created.session_id, pg_code })
      expect(yield* check("credit-card")).toEqual({ is_available: true })
      expect(failureOf(yield* Effect.exit(check("benefit")))).toMatchObject({
        _tag: "OttuBadRequestError",
        errors: { pg_code: ["benefit is not one of the payment transaction's pg_codes."] },
      })
      yield* Operation.cancel({ session_id: created.session_id })
      expect(yield* check("knet")).toEqual({ is_available: false })
      expect(
        failureOf(
          yield* Effect.exit(
            PaymentMethods.prePaymentCheck({ session_id: "nope", pg_code: "knet" }),
          ),
        ),
      ).toMatchObject({ _tag: "OttuNotFoundError" })
    }).pipe(Effect.provide(onSandbox())),
  )
})
