import type { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Schema } from "effect"
import { Operation, type OttuConfig } from "../src/index.ts"
import { apiKey, onlyRequest, runFailed, runRecorded, successOf } from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const path = "/b/pbl/v2/operation/"
const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const childId = "43ae8773f2c61f2ef41e3024e3b8f8bf45667d44"

type Run = (
  target: Operation.Target,
  options?: Operation.RefundOptions,
) => Effect.Effect<
  Operation.OperationResult,
  Operation.OperationError,
  OttuConfig.OttuConfig | HttpClient.HttpClient
>

/** Every operation, called through a widened signature so tests can pass what types forbid. */
const operations: ReadonlyArray<readonly [string, Run]> = [
  ["cancel", Operation.cancel as Run],
  ["expire", Operation.expire as Run],
  ["delete", Operation.delete as Run],
  ["capture", Operation.capture as Run],
  ["refund", Operation.refund as Run],
  ["void", Operation.void as Run],
]
const byName = Object.fromEntries(operations)
const run = (name: string): Run => {
  const op = byName[name]
  if (op === undefined) throw new Error(`no operation ${name}`)
  return op
}

/** The distinct fields an invalid-input error names (an optional field may be named twice). */
const fieldsOf = (error: { readonly issues: ReadonlyArray<{ readonly field: string }> }) => [
  ...new Set(error.issues.map((i) => i.field)),
]

const isExternal = Schema.is(Operation.OperationResult.members[0])

const internal = (operation: string, result = "success") => ({
  detail: `The ${operation} operation was successful.`,
  operation,
  result,
})

/** An `ExternalOperation` answer as Ottu sends it (docs example, completed). */
const external = {
  amount: 9.5,
  is_sandbox: true,
  operation: "refund",
  order_no: "Y3ODg",
  pg_code: "credit-card",
  pg_params: {
    auth_code: "831000",
    card_number: "512345******0008",
    rrn: "330609000123",
    transaction_id: "2",
  },
  pg_response: { result: "SUCCESS", transaction: { id: "2", type: "REFUND" } },
  reference_number: "staging4AQ64A",
  result: "success",
  session_id: id,
  signature: "c4a1d3b0e5f64f1e9a1d2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70",
  source: "input",
  success: true,
  timestamp_utc: "2023-11-02 09:02:06",
  extra: { refund_reason: "damaged" },
  txn: {
    amount: "9.500",
    currency_code: "KWD",
    order_no: "",
    session_id: childId,
    state: "refunded",
  },
}

describe("Operation: the request", () => {
  for (const [name, op] of operations) {
    for (const key of ["session_id", "order_no"] as const) {
      const value = key === "session_id" ? id : "ORDER-42"
      it.effect(`${name} by ${key} POSTs {operation, ${key}} and no Tracking-Key`, () =>
        Effect.gen(function* () {
          const target = { [key]: value } as Operation.Target
          const { exit, requests } = yield* runRecorded(op(target), {
            status: 200,
            json: internal(name),
          })
          expect(successOf(exit)).toEqual(internal(name))
          const req = onlyRequest(requests, "POST", path)
          expect(req.contentType).toBe("application/json")
          expect(req.headers).not.toHaveProperty("tracking-key")
          expect(req.json).toEqual({ operation: name, [key]: value })
        }),
      )

      it.effect(`${name} by ${key} sends the trackingKey as the Tracking-Key header`, () =>
        Effect.gen(function* () {
          const target = { [key]: value } as Operation.Target
          const { requests } = yield* runRecorded(
            op(target, { trackingKey: `${name}-ORDER-42-1` }),
            { status: 200, json: internal(name) },
          )
          expect(requests[0]?.headers["tracking-key"]).toBe(`${name}-ORDER-42-1`)
          // The key is a header, never a body field.
          expect(requests[0]?.json).toEqual({ operation: name, [key]: value })
        }),
      )
    }
  }

  it.effect("capture sends amount and extra", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Operation.capture(
          { session_id: id },
          { amount: "5.000", extra: { note: "partial" }, trackingKey: "cap-1" },
        ),
        { status: 200, json: internal("capture") },
      )
      expect(requests[0]?.json).toEqual({
        operation: "capture",
        session_id: id,
        amount: "5.000",
        extra: { note: "partial" },
      })
      expect(requests[0]?.headers["tracking-key"]).toBe("cap-1")
    }),
  )

  it.effect("refund sends amount, the IFG extra and the wallet destination", () =>
    Effect.gen(function* () {
      const extra = {
        orders: [
          { passengerDocumentNumber: "4862100022075", amount: 1 },
          { passengerDocumentNumber: "4862100022076", amount: 0 },
        ],
      }
      const { requests } = yield* runRecorded(
        Operation.refund(
          { order_no: "ORDER-42" },
          { amount: "20.00", extra, destination: "wallet", trackingKey: "refund-7" },
        ),
        { status: 200, json: internal("refund") },
      )
      expect(requests[0]?.json).toEqual({
        operation: "refund",
        order_no: "ORDER-42",
        amount: "20.00",
        extra,
        destination: "wallet",
      })
      expect(requests[0]?.headers["tracking-key"]).toBe("refund-7")
    }),
  )

  it.effect("refund with destination pg only sends what was given", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Operation.refund({ session_id: id }, { destination: "pg" }),
        { status: 200, json: internal("refund") },
      )
      expect(requests[0]?.json).toEqual({ operation: "refund", session_id: id, destination: "pg" })
    }),
  )
})

describe("Operation: input refused before sending", () => {
  for (const name of ["cancel", "expire", "delete", "void"]) {
    it.effect(`${name} refuses an amount`, () =>
      Effect.gen(function* () {
        const { error, requests } = yield* runFailed(
          run(name)({ session_id: id }, { amount: "5.000" }),
          { status: 200, json: internal(name) },
        )
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(fieldsOf(error)).toEqual(["amount"])
          expect(error.method).toBe("POST")
          expect(error.path).toBe(path)
        }
        expect(requests).toHaveLength(0)
      }),
    )

    it.effect(`${name} refuses extra and destination`, () =>
      Effect.gen(function* () {
        for (const change of [{ extra: { a: 1 } }, { destination: "wallet" }]) {
          const { error, requests } = yield* runFailed(
            run(name)({ session_id: id }, change as Operation.RefundOptions),
            { status: 200, json: internal(name) },
          )
          expect(error._tag).toBe("OttuInvalidInputError")
          if (error._tag === "OttuInvalidInputError") {
            expect(fieldsOf(error)).toEqual(Object.keys(change))
          }
          expect(requests).toHaveLength(0)
        }
      }),
    )
  }

  it.effect("capture refuses a destination (refund only)", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        run("capture")({ session_id: id }, { destination: "wallet" }),
        { status: 200, json: internal("capture") },
      )
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag === "OttuInvalidInputError") {
        expect(fieldsOf(error)).toEqual(["destination"])
      }
      expect(requests).toHaveLength(0)
    }),
  )

  it.effect("refund refuses an unknown destination", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        run("refund")({ session_id: id }, { destination: "card" as "pg" }),
        { status: 200, json: internal("refund") },
      )
      expect(error._tag).toBe("OttuInvalidInputError")
      expect(requests).toHaveLength(0)
    }),
  )

  const targets: ReadonlyArray<readonly [string, unknown, string]> = [
    ["both identifiers", { session_id: id, order_no: "ORDER-42" }, "session_id"],
    ["no identifier", {}, "session_id"],
    ["a blank session_id", { session_id: "   " }, "session_id"],
    ["an empty order_no", { order_no: "" }, "order_no"],
    ["a session_id over 128 characters", { session_id: "a".repeat(129) }, "session_id"],
    ["a session_id that is not a string", { session_id: 42 }, "session_id"],
  ]
  for (const [label, target, field] of targets) {
    for (const [name, op] of operations) {
      it.effect(`${name} refuses ${label}`, () =>
        Effect.gen(function* () {
          const { error, requests } = yield* runFailed(op(target as Operation.Target), {
            status: 200,
            json: internal(name),
          })
          expect(error._tag).toBe("OttuInvalidInputError")
          if (error._tag === "OttuInvalidInputError") {
            expect(fieldsOf(error)).toEqual([field])
            expect(error.path).toBe(path)
          }
          expect(requests).toHaveLength(0)
        }),
      )
    }
  }

  const amounts: ReadonlyArray<readonly [string, unknown]> = [
    ["zero", "0"],
    ["zero with decimals", "0.000"],
    ["not a number", "abc"],
    ["four decimals", "1.2345"],
    ["negative", "-1.000"],
    ["a comma", "1,500"],
    ["a JSON number", 5],
    ["an empty string", ""],
    ["14 integer digits", "12345678901234"],
  ]
  for (const name of ["capture", "refund"]) {
    for (const [label, amount] of amounts) {
      it.effect(`${name} refuses an amount that is ${label}`, () =>
        Effect.gen(function* () {
          const { error, requests } = yield* runFailed(
            run(name)({ session_id: id }, { amount: amount as string }),
            { status: 200, json: internal(name) },
          )
          expect(error._tag).toBe("OttuInvalidInputError")
          if (error._tag === "OttuInvalidInputError") {
            expect(fieldsOf(error)).toEqual(["amount"])
          }
          expect(requests).toHaveLength(0)
        }),
      )
    }

    it.effect(`${name} accepts the largest and the smallest valid amounts`, () =>
      Effect.gen(function* () {
        for (const amount of ["1234567890123.999", "0.001", "7"]) {
          const { exit, requests } = yield* runRecorded(run(name)({ session_id: id }, { amount }), {
            status: 200,
            json: internal(name),
          })
          expect(Exit.isSuccess(exit)).toBe(true)
          expect(requests[0]?.json).toEqual({ operation: name, session_id: id, amount })
        }
      }),
    )
  }

  const keys: ReadonlyArray<readonly [string, string]> = [
    ["a space", "refund 1"],
    ["a newline", "refund-1\nX-Injected: yes"],
    ["a CRLF", "refund-1\r\nX-Injected: yes"],
    ["a tab", "refund\t1"],
    ["a non-ASCII character", "refund-é"],
    ["nothing", ""],
    ["256 characters", "k".repeat(256)],
  ]
  for (const [label, trackingKey] of keys) {
    it.effect(`refuses a tracking key with ${label} (header injection)`, () =>
      Effect.gen(function* () {
        for (const [name, op] of operations) {
          const { error, requests } = yield* runFailed(op({ session_id: id }, { trackingKey }), {
            status: 200,
            json: internal(name),
          })
          expect(error._tag).toBe("OttuInvalidInputError")
          if (error._tag === "OttuInvalidInputError") {
            expect(fieldsOf(error)).toEqual(["trackingKey"])
          }
          expect(requests).toHaveLength(0)
        }
      }),
    )
  }

  it.effect("accepts a 255-character printable tracking key", () =>
    Effect.gen(function* () {
      const trackingKey = `${"k".repeat(250)}!~#:/`
      const { requests } = yield* runRecorded(Operation.void({ session_id: id }, { trackingKey }), {
        status: 200,
        json: internal("void"),
      })
      expect(requests[0]?.headers["tracking-key"]).toBe(trackingKey)
    }),
  )

  it.effect("refuses an unknown option", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        run("refund")({ session_id: id }, { amout: "1.000" } as Operation.RefundOptions),
        { status: 200, json: internal("refund") },
      )
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag === "OttuInvalidInputError") {
        expect(fieldsOf(error)).toEqual(["amout"])
      }
      expect(requests).toHaveLength(0)
    }),
  )
})

describe("Operation: the answer", () => {
  it.effect("decodes an internal result", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Operation.cancel({ order_no: "ORDER-42" }), {
        status: 200,
        json: { ...internal("cancel"), future_field: [1] },
      })
      expect(successOf(exit)).toEqual({ ...internal("cancel"), future_field: [1] })
    }),
  )

  it.effect("decodes an external result, amounts given as numbers read as strings", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(
        Operation.refund({ session_id: id }, { amount: "9.500", trackingKey: "r-1" }),
        { status: 200, json: external },
      )
      const result = successOf(exit)
      expect(result).toEqual({ ...external, amount: "9.5" })
      if (!isExternal(result)) throw new Error("expected an external result")
      expect(result.amount).toBe("9.5")
      expect(result.txn.amount).toBe("9.500")
      expect(result.txn.session_id).toBe(childId)
      expect(result.txn.state).toBe("refunded")
      expect(result.pg_response).toEqual(external.pg_response)
      expect(result.extra).toEqual({ refund_reason: "damaged" })
    }),
  )

  it.effect("decodes an external capture whose child amount is a number", () =>
    Effect.gen(function* () {
      const capture = {
        ...external,
        operation: "capture",
        amount: "100.000",
        txn: { ...external.txn, amount: 100, state: "paid" },
      }
      const { exit } = yield* runRecorded(Operation.capture({ session_id: id }), {
        status: 200,
        json: capture,
      })
      const result = successOf(exit)
      expect(result).toEqual({ ...capture, txn: { ...capture.txn, amount: "100" } })
    }),
  )

  it.effect("decodes the docs' external example with operation null", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Operation.void({ session_id: id }), {
        status: 200,
        json: { ...external, operation: null, txn: { ...external.txn, state: "voided" } },
      })
      const result = successOf(exit)
      expect(result.operation).toBeNull()
      expect(result.result).toBe("success")
    }),
  )

  it.effect(
    "a 200 internal result 'failed' is an OttuOperationFailedError keeping detail and body",
    () =>
      Effect.gen(function* () {
        const body = {
          detail: "Transaction cannot be canceled in its current state.",
          operation: "cancel",
          result: "failed",
        }
        const { error } = yield* runFailed(Operation.cancel({ session_id: id }), {
          status: 200,
          json: body,
        })
        expect(error).toMatchObject({
          _tag: "OttuOperationFailedError",
          method: "POST",
          path,
          status: 200,
          result: "failed",
          detail: "Transaction cannot be canceled in its current state.",
          body,
        })
        expect(error.message).toContain("Transaction cannot be canceled")
      }),
  )

  it.effect("a 200 external result that did not succeed is an OttuOperationFailedError", () =>
    Effect.gen(function* () {
      const body = { ...external, result: "failed", success: false, amount: "9.500" }
      const { error } = yield* runFailed(Operation.refund({ session_id: id }), {
        status: 200,
        json: body,
      })
      expect(error._tag).toBe("OttuOperationFailedError")
      expect(error).toMatchObject({ status: 200, result: "failed", path, body })
      if (error._tag === "OttuOperationFailedError") expect(error.detail).toContain("refund")
    }),
  )

  it.effect(
    "a 200 external result with success false is a failure even if result says success",
    () =>
      Effect.gen(function* () {
        const { error } = yield* runFailed(Operation.refund({ session_id: id }), {
          status: 200,
          json: { ...external, success: false },
        })
        expect(error._tag).toBe("OttuOperationFailedError")
      }),
  )

  it.effect("a 400 refusal is an OttuBadRequestError with Ottu's detail", () =>
    Effect.gen(function* () {
      const body = { detail: "Amount exceeds balance", operation: "refund", result: "failed" }
      const { error, requests } = yield* runFailed(
        Operation.refund({ session_id: id }, { amount: "500.000", trackingKey: "r-2" }),
        { status: 400, json: body },
      )
      expect(error).toMatchObject({
        _tag: "OttuBadRequestError",
        method: "POST",
        path,
        status: 400,
        detail: "Amount exceeds balance",
        body,
      })
      expect(error.message).toContain("Amount exceeds balance")
      expect(requests).toHaveLength(1)
    }),
  )

  it.effect("a 400 with field errors keeps them", () =>
    Effect.gen(function* () {
      const body = { amount: ["Ensure that there are no more than 3 decimal places."] }
      const { error } = yield* runFailed(Operation.capture({ session_id: id }), {
        status: 400,
        json: body,
      })
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag === "OttuBadRequestError") expect(error.errors).toEqual(body)
    }),
  )

  it.effect("a 409 on a wallet refund is an OttuConflictError", () =>
    Effect.gen(function* () {
      const { error } = yield* runFailed(
        Operation.refund({ session_id: id }, { destination: "wallet", trackingKey: "w-1" }),
        { status: 409, json: { detail: "idempotency_conflict" } },
      )
      expect(error).toMatchObject({
        _tag: "OttuConflictError",
        detail: "idempotency_conflict",
      })
    }),
  )

  it.effect("a 200 body of neither shape is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const { error } = yield* runFailed(Operation.expire({ session_id: id }), {
        status: 200,
        json: { ok: true },
      })
      expect(error).toMatchObject({ _tag: "OttuDecodeError", status: 200, path })
    }),
  )
})

describe("Operation: telemetry", () => {
  it.effect(
    "refund runs in span Ottu.Operation.refund naming the operation and session, no amount",
    () =>
      Effect.gen(function* () {
        const { exit, spans } = yield* captureTelemetry(
          runRecorded(
            Operation.refund({ session_id: id }, { amount: "7.250", trackingKey: "refund-99" }),
            { status: 200, json: external },
          ),
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        const span = spans.find((s) => s.name === "Ottu.Operation.refund")
        expect(span).toBeDefined()
        expect(span?.attributes.get("ottu.operation")).toBe("refund")
        expect(span?.attributes.get("ottu.session_id")).toBe(id)
        expect(span?.attributes.get("http.request.method")).toBe("POST")
        expect(span?.attributes.get("http.route")).toBe(path)
        for (const recorded of spans) {
          for (const [key, value] of recorded.attributes) {
            expect(key).not.toMatch(/amount/i)
            expect(String(value)).not.toContain("7.250")
            expect(String(value)).not.toContain(apiKey)
          }
        }
      }),
  )

  it.effect("an operation by order number names the order in its span", () =>
    Effect.gen(function* () {
      const { spans } = yield* captureTelemetry(
        runRecorded(Operation.capture({ order_no: "ORDER-42" }, { amount: "1.000" }), {
          status: 200,
          json: internal("capture"),
        }),
      )
      const span = spans.find((s) => s.name === "Ottu.Operation.capture")
      expect(span?.attributes.get("ottu.operation")).toBe("capture")
      expect(span?.attributes.get("ottu.order_no")).toBe("ORDER-42")
      expect(span?.attributes.has("ottu.session_id")).toBe(false)
    }),
  )
})
