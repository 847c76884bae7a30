/**
 * Webhook signatures (both schemes, the public vectors, the skip rules, properties), the HMAC
 * and the constant-time comparison, number literals, and `verify` with the events.
 */
import * as crypto from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Redacted, Schema } from "effect"
import fc from "fast-check"
import { Webhook } from "../src/index.ts"
import { equalInConstantTime, hmacSha256Hex } from "../src/Webhook/hmac.ts"
import { numberLiterals } from "../src/Webhook/jsonNumbers.ts"
import { standard, subscription } from "../src/Webhook/signedMessage.ts"

type Payload = Record<string, unknown>

/** The message a scheme signs for a payload, as text. */
const messageOf = (payload: Payload, scheme: Webhook.Scheme = "standard"): string =>
  scheme === "standard" ? standard(payload) : subscription(payload)

const signed = (payload: Payload, key: string, scheme?: Webhook.Scheme): Payload => ({
  ...payload,
  signature: Webhook.signatureOf(payload, key, scheme),
})

/** ottu-py's test payload with every subscription field present (tests/test_utils). */
const subscriptionPayload = (): Payload => ({
  agreement: { id: "agr-1" },
  amount: "100.000",
  currency_code: "KWD",
  customer_email: "a@b.com",
  customer_first_name: "Ankit",
  customer_last_name: "Test",
  customer_phone: "+96550000000",
  order_no: "ord-1",
  payment_type: "auto_debit",
  reference_number: "ref-1",
  result: "success",
  session_id: "sess-1",
  state: "paid",
  customer_id: "cust-top",
  extra: { merchant_id: "m-1", autopay: { subscription_id: "sub-1" } },
  token: { token: "tok-1", pg_code: "knet", customer_id: "cust-1", brand: "VISA" },
})

/** Sets the value at a dotted path, creating objects on the way; returns a new payload. */
const setPath = (payload: Payload, path: string, value: unknown): Payload => {
  const [head = "", ...rest] = path.split(".")
  if (rest.length === 0) return { ...payload, [head]: value }
  const inner = payload[head]
  const object = typeof inner === "object" && inner !== null ? (inner as Payload) : {}
  return { ...payload, [head]: setPath(object, rest.join("."), value) }
}

describe("signatureOf", () => {
  it("reproduces the public docs vector", () => {
    const payload = {
      amount: "86.000",
      currency_code: "KWD",
      customer_first_name: "example-customer",
    }
    expect(messageOf(payload)).toBe(
      "amount86.000currency_codeKWDcustomer_first_nameexample-customer",
    )
    const expected = "6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67"
    expect(Webhook.signatureOf(payload, "pu9MpX3yPR")).toBe(expected)
    expect(Webhook.signatureOf(payload, Redacted.make("pu9MpX3yPR"))).toBe(expected)
    expect(
      Webhook.verifySignature({ ...payload, signature: expected }, expected, "pu9MpX3yPR"),
    ).toBe(true)
  })

  it("reproduces ottu-py's subscription vector (skips empty and unsigned fields)", () => {
    const payload = {
      amount: "100.000",
      result: "success",
      session_id: "sess-1",
      token: { token: "tok-1", brand: "VISA" },
      state: "",
    }
    expect(messageOf(payload, "subscription")).toBe(
      "amount=100.000\nresult=success\nsession_id=sess-1\ntoken.token=tok-1",
    )
    expect(Webhook.signatureOf(payload, "test-key", "subscription")).toBe(
      "46ba93a62680c8750567583bb8074e37ccaadc6f374268b78a0c574c8424baff",
    )
  })

  it("writes the subscription message of a real autopay webhook as ottu-py pins it", () => {
    const payload = {
      amount: "10.000",
      currency_code: "KWD",
      customer_email: "ankit.e2e@example.com",
      customer_first_name: "Ankit",
      customer_id: "cust_e2e_3",
      customer_last_name: "E2E",
      customer_phone: "+96550000000",
      extra: { merchant_id: "betabulk.ottu.net" },
      gateway_account: "autopay",
      gateway_name: "mpgs",
      order_no: "AP-E2E-3",
      payment_type: "one_off",
      reference_number: "betabuG3WYV",
      result: "success",
      session_id: "42c936ef34f19f14a58115d5e49a9a56dc19a48e",
      state: "paid",
      token: {
        brand: "MASTERCARD",
        token: "9094504640665278",
        number: "**** 0008",
        pg_code: "autopay",
        agreements: [],
        customer_id: "cust_e2e_3",
      },
    }
    expect(messageOf(payload, "subscription").split("\n")).toEqual([
      "amount=10.000",
      "currency_code=KWD",
      "customer_email=ankit.e2e@example.com",
      "customer_first_name=Ankit",
      "customer_last_name=E2E",
      "customer_phone=+96550000000",
      "extra.merchant_id=betabulk.ottu.net",
      "gateway_account=autopay",
      "gateway_name=mpgs",
      "order_no=AP-E2E-3",
      "payment_type=one_off",
      "reference_number=betabuG3WYV",
      "result=success",
      "session_id=42c936ef34f19f14a58115d5e49a9a56dc19a48e",
      "state=paid",
      "token.customer_id=cust_e2e_3",
      "token.pg_code=autopay",
      "token.token=9094504640665278",
    ])
  })

  it("signs 18 sorted fields (standard) and 26 sorted paths (subscription)", () => {
    expect(Webhook.standardFields).toHaveLength(18)
    expect(Webhook.subscriptionFields).toHaveLength(26)
    expect([...Webhook.standardFields].sort()).toEqual(Webhook.standardFields)
    expect([...Webhook.subscriptionFields].sort()).toEqual(Webhook.subscriptionFields)
    expect(Webhook.subscriptionFields).toEqual(expect.arrayContaining([...Webhook.standardFields]))
  })

  it("leaves out absent, null and empty values, and keeps every other value", () => {
    const base = { amount: "5.000", currency_code: "KWD" }
    for (const empty of [null, "", undefined]) {
      expect(messageOf({ ...base, state: empty })).toBe(messageOf(base))
      expect(messageOf({ ...base, token: { token: empty } }, "subscription")).toBe(
        messageOf(base, "subscription"),
      )
    }
    expect(messageOf({ ...base, state: "0" })).toBe("amount5.000currency_codeKWDstate0")
    expect(messageOf({ ...base, state: " " })).toBe("amount5.000currency_codeKWDstate ")
    expect(messageOf({ state: false, result: 0 })).toBe("result0stateFalse")
    expect(messageOf({ state: true, amount: 86.5 })).toBe("amount86.5stateTrue")
    expect(messageOf({ amount: { a: "x" }, state: ["p", null] })).toBe(
      "amount{'a': 'x'}state['p', None]",
    )
    expect(messageOf({})).toBe("")
    expect(Webhook.signatureOf({}, "k")).toBe(
      crypto.createHmac("sha256", "k").update("").digest("hex"),
    )
  })

  it("resolves subscription paths through objects only", () => {
    expect(messageOf({ token: "not-an-object" }, "subscription")).toBe("")
    expect(messageOf({ token: [{ token: "t" }] }, "subscription")).toBe("")
    expect(messageOf({ extra: { autopay: null } }, "subscription")).toBe("")
    expect(messageOf({ extra: { autopay: { subscription_id: "s" } } }, "subscription")).toBe(
      "extra.autopay.subscription_id=s",
    )
  })
})

describe("verifySignature", () => {
  const key = "whk_test_key"
  const payload = signed(
    {
      amount: "20.230",
      currency_code: "KWD",
      order_no: "ORD-1",
      result: "success",
      state: "paid",
      session_id: "s-1",
    },
    key,
  )
  const signature = payload.signature as string

  it("accepts the signature under a string or a Redacted key", () => {
    expect(Webhook.verifySignature(payload, signature, key)).toBe(true)
    expect(Webhook.verifySignature(payload, signature, Redacted.make(key))).toBe(true)
  })

  it("accepts a subscription-scheme signature after the standard one fails", () => {
    const sub = signed(subscriptionPayload(), key, "subscription")
    expect(Webhook.verifySignature(sub, sub.signature, key)).toBe(true)
    expect(sub.signature).not.toBe(Webhook.signatureOf(sub, key))
  })

  it("refuses tampered, missing, empty, wrong-length, non-hex and wrong-key signatures", () => {
    const flipped = `${signature.slice(0, 63)}${signature.endsWith("0") ? "1" : "0"}`
    for (const bad of [
      flipped,
      undefined,
      null,
      "",
      signature.slice(0, 63),
      `${signature}0`,
      signature.toUpperCase(),
      "z".repeat(64),
      42,
      { signature },
      [signature],
    ]) {
      expect(Webhook.verifySignature(payload, bad, key)).toBe(false)
    }
    expect(Webhook.verifySignature(payload, signature, "another-key")).toBe(false)
    expect(Webhook.verifySignature({ ...payload, amount: "20.231" }, signature, key)).toBe(false)
  })

  it("refuses an empty key, even with the signature it gives", () => {
    const empty = Webhook.signatureOf(payload, "")
    expect(Webhook.verifySignature(payload, empty, "")).toBe(false)
    expect(Webhook.verifySignature(payload, empty, Redacted.make(""))).toBe(false)
  })

  it("never throws, whatever the payload, signature and key", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (p, s, k) => {
        expect(typeof Webhook.verifySignature(p, s, k as string)).toBe("boolean")
        expect(typeof Webhook.verifySignature(p, signature, key)).toBe("boolean")
      }),
    )
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("boom")
        },
      },
    )
    expect(Webhook.verifySignature(hostile, signature, key)).toBe(false)
    expect(Webhook.verifySignature([payload], signature, key)).toBe(false)
    expect(Webhook.verifySignature(JSON.stringify(payload), signature, key)).toBe(false)
  })
})

describe("signature properties", () => {
  const key = "property-key"
  const value = fc.string({ minLength: 1, maxLength: 12 })
  /** A payload with some signed fields (nested ones included) and some unsigned ones. */
  const payload = fc.record(
    {
      ...Object.fromEntries(Webhook.standardFields.map((field) => [field, value])),
      payment_type: value,
      session_id: value,
      token: fc.record(
        { token: value, pg_code: value, customer_id: value, brand: value },
        { requiredKeys: [] },
      ),
      agreement: fc.record({ id: value }, { requiredKeys: [] }),
      extra: fc.record(
        { merchant_id: value, autopay: fc.record({ subscription_id: value }) },
        { requiredKeys: [] },
      ),
      customer_id: value,
      fee: value,
      is_sandbox: fc.boolean(),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Payload>
  const schemes = fc.constantFrom<Webhook.Scheme>("standard", "subscription")

  const reversed = (object: unknown): unknown =>
    typeof object === "object" && object !== null && !Array.isArray(object)
      ? Object.fromEntries(
          Object.entries(object)
            .reverse()
            .map(([k, v]) => [k, reversed(v)]),
        )
      : object

  it("does not depend on key order", () => {
    fc.assert(
      fc.property(payload, schemes, (p, scheme) => {
        expect(Webhook.signatureOf(reversed(p) as Payload, key, scheme)).toBe(
          Webhook.signatureOf(p, key, scheme),
        )
      }),
    )
  })

  it("does not depend on unsigned fields, top-level or nested", () => {
    const unsigned = fc.constantFrom(
      "customer_id",
      "fee",
      "signature",
      "gateway_response",
      "token.brand",
      "token.number",
      "extra.foo",
      "agreement.frequency",
      "amount_details.total",
    )
    fc.assert(
      fc.property(payload, schemes, unsigned, fc.jsonValue(), (p, scheme, path, v) => {
        const changed = setPath(p, path, v)
        fc.pre(scheme === "subscription" || !path.includes("."))
        expect(Webhook.signatureOf(changed, key, scheme)).toBe(Webhook.signatureOf(p, key, scheme))
      }),
    )
  })

  it("changes when any signed field changes", () => {
    fc.assert(
      fc.property(payload, schemes, fc.nat(), value, (p, scheme, pick, replacement) => {
        const fields = scheme === "standard" ? Webhook.standardFields : Webhook.subscriptionFields
        const path = fields[pick % fields.length] as string
        const changed = setPath(p, path, replacement)
        fc.pre(messageOf(changed, scheme) !== messageOf(p, scheme))
        expect(Webhook.signatureOf(changed, key, scheme)).not.toBe(
          Webhook.signatureOf(p, key, scheme),
        )
        const verifiable = { ...p, signature: Webhook.signatureOf(p, key, scheme) }
        expect(
          Webhook.verifySignature(
            setPath(verifiable, path, replacement),
            verifiable.signature,
            key,
          ),
        ).toBe(false)
      }),
    )
  })

  it("changes when a signed field is removed or emptied", () => {
    const full = Webhook.subscriptionFields.reduce((p, path) => setPath(p, path, `v-${path}`), {})
    for (const scheme of ["standard", "subscription"] as const) {
      const before = Webhook.signatureOf(full, key, scheme)
      for (const path of scheme === "standard"
        ? Webhook.standardFields
        : Webhook.subscriptionFields) {
        for (const empty of ["", null, undefined]) {
          expect(Webhook.signatureOf(setPath(full, path, empty), key, scheme), path).not.toBe(
            before,
          )
        }
      }
    }
  })
})

describe("HMAC", () => {
  it("reproduces RFC 4231's text vector", () => {
    expect(hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    )
  })

  it("encodes key and message as UTF-8, a lone surrogate as U+FFFD", () => {
    const utf8 = new TextEncoder()
    expect(hmacSha256Hex("clé", "café 😀")).toBe(
      crypto.createHmac("sha256", utf8.encode("clé")).update(utf8.encode("café 😀")).digest("hex"),
    )
    expect(hmacSha256Hex("k\uD800", "a\uDC00b")).toBe(hmacSha256Hex("k\uFFFD", "a\uFFFDb"))
  })

  it("compares strings in constant time, equal ones only", () => {
    const signature = hmacSha256Hex("k", "m")
    expect(equalInConstantTime(signature, signature)).toBe(true)
    expect(equalInConstantTime(signature, `${signature.slice(0, 63)}x`)).toBe(false)
    expect(equalInConstantTime(signature, signature.slice(1))).toBe(false)
    expect(equalInConstantTime("", "")).toBe(true)
    // Same UTF-16 length, different UTF-8 lengths; and characters whose low byte is a hex digit.
    expect(equalInConstantTime("0".repeat(64), "\u0130".repeat(64))).toBe(false)
    expect(equalInConstantTime("a\u0161", "a\u0161")).toBe(true)
    expect(equalInConstantTime("aa", "a\u0161")).toBe(false)
  })
})

describe("numbers", () => {
  const key = "number-key"

  it("finds the literal of every number reachable through objects, the last duplicate winning", () => {
    const text = [
      '{"a": 1.50, "s": "x\\"}{[1]: 2", "\\u0062": {"c": -0, "d": [3.0, {"e": 4.0}]},',
      '"f.g": 5.0, "h": {"i": {"j": 1e3}}, "a": 2.000, "k": true, "l": null, "m": "7"}',
    ].join("\n")
    expect(JSON.parse(text)).toMatchObject({ a: 2, b: { c: -0 }, s: 'x"}{[1]: 2' })
    expect(Object.fromEntries(numberLiterals(text))).toEqual({
      a: "2.000",
      "b.c": "-0",
      "h.i.j": "1e3",
    })
  })

  it("verify reads JSON number literals as Python does; verifySignature takes the parsed value", () => {
    // Python's json.loads makes 86.000 a float, so Ottu's signer writes "amount86.0".
    const pythonSignature = crypto
      .createHmac("sha256", key)
      .update("amount86.0currency_codeKWD")
      .digest("hex")
    const text = `{"amount": 86.000, "currency_code": "KWD", "signature": "${pythonSignature}"}`
    const verified = Webhook.verify(text, key)
    expect(Either.isLeft(verified) && verified.left._tag).toBe("OttuWebhookDecodeError")
    const parsed = JSON.parse(text) as Payload
    expect(Webhook.verifySignature(parsed, pythonSignature, key)).toBe(false)
    expect(messageOf(parsed)).toBe("amount86currency_codeKWD")
  })

  it("keeps integers exact, beyond JavaScript's safe range too", () => {
    const message = "customer_phone123456789012345678901"
    const sig = crypto.createHmac("sha256", key).update(message).digest("hex")
    const text = `{"customer_phone": 123456789012345678901, "signature": "${sig}"}`
    const verified = Webhook.verify(text, key)
    expect(Either.isLeft(verified) && verified.left._tag).toBe("OttuWebhookDecodeError")
  })
})

describe("events", () => {
  const key = "event-key"

  /** Ottu's documented payment webhook example (API reference §13.2), with one unknown field. */
  const paymentExample = {
    amount: "10.000",
    amount_details: { amount: "10.000", currency_code: "KWD", fee: "20.000", total: "30.000" },
    currency_code: "KWD",
    customer_email: "example@example.com",
    customer_first_name: "first_name_example",
    customer_id: "Example",
    customer_last_name: "last_name_example",
    customer_phone: "1234567",
    fee: "20.000 KWD",
    gateway_account: "Credit-Card",
    gateway_name: "Gateway_Example",
    is_sandbox: true,
    order_no: "Y3ODg",
    paid_amount: "30.000",
    payment_type: "one_off",
    reference_number: "staging48G8SS",
    result: "success",
    session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
    settled_amount: "10.000",
    state: "paid",
    timestamp_utc: "2023-11-02 09:00:07",
    loyalty_points: { earned: 3 },
  }

  /** Ottu's documented operation webhook example (API reference §13.3). */
  const operationExample = {
    amount: "9.000",
    is_sandbox: true,
    operation: null,
    order_no: "Y3ODg",
    pg_code: "credit-card",
    reference_number: "staging4AQ64A",
    result: "success",
    session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
    source: "input",
    success: true,
    timestamp_utc: "2023-11-02 09:02:06",
    txn: {
      amount: "9.000",
      currency_code: "KWD",
      order_no: "",
      session_id: "43ae8773f2c61f2ef41e3024e3b8f8bf45667d44",
      state: "refunded",
    },
  }

  it("decodes the documented payment example, keeping unknown fields", () => {
    const body = signed(paymentExample, key)
    const event = Either.getOrThrow(Webhook.verify(JSON.stringify(body), key))
    expect(event._tag).toBe("PaymentEvent")
    expect(event).toEqual({ ...body, _tag: "PaymentEvent" })
    expect(Schema.encodeSync(Webhook.Event)(event)).toEqual(body)
  })

  it("decodes the documented operation example (operation null, queued results too)", () => {
    for (const result of ["success", "failed", "queued", "rejected"]) {
      const body = signed({ ...operationExample, result }, key)
      const event = Either.getOrThrow(Webhook.verify(body, key))
      expect(event._tag).toBe("OperationEvent")
      if (event._tag === "OperationEvent") {
        expect(event.operation).toBeNull()
        expect(event.txn.state).toBe("refunded")
      }
    }
  })

  it("reads amounts sent as numbers as strings", () => {
    const body = signed(
      { ...paymentExample, paid_amount: 30, settled_amount: 10.5, remaining_amount: "0.000" },
      key,
    )
    const event = Either.getOrThrow(Webhook.verify(body, key))
    expect(event).toMatchObject({
      paid_amount: "30",
      settled_amount: "10.5",
      remaining_amount: "0.000",
    })
  })

  it("verifyScheme tells which scheme signed the body", () => {
    const standardBody = signed(paymentExample, key)
    expect(Either.getOrThrow(Webhook.verifyScheme(standardBody, key)).scheme).toBe("standard")
    const autopay = {
      ...paymentExample,
      payment_type: "auto_debit",
      agreement: { id: "agreement-1" },
      token: { token: "9923965822244314", customer_id: "Example", pg_code: "credit-card" },
    }
    const subscriptionBody = {
      ...autopay,
      signature: Webhook.signatureOf(autopay, key, "subscription"),
    }
    const verified = Either.getOrThrow(Webhook.verifyScheme(subscriptionBody, key))
    expect(verified.scheme).toBe("subscription")
    expect(verified.event.session_id).toBe(paymentExample.session_id)
    // The standard scheme does not sign the token: changing it keeps a standard body authentic.
    const planted = { ...standardBody, token: { token: "attacker-card" } }
    expect(Either.getOrThrow(Webhook.verifyScheme(planted, key)).scheme).toBe("standard")
    const replanted = { ...subscriptionBody, token: { ...autopay.token, token: "attacker-card" } }
    expect(Either.isLeft(Webhook.verifyScheme(replanted, key))).toBe(true)
  })

  it("fails with a signature error before looking at the content", () => {
    const reasonOf = (body: unknown) => {
      const result = Webhook.verify(body, key)
      return Either.isLeft(result) && result.left._tag === "OttuWebhookSignatureError"
        ? result.left.reason
        : "verified"
    }
    expect(reasonOf("not json")).toBe("malformed")
    expect(reasonOf("[1, 2]")).toBe("malformed")
    expect(reasonOf(42)).toBe("malformed")
    expect(reasonOf(paymentExample)).toBe("missing")
    expect(reasonOf({ ...paymentExample, signature: "" })).toBe("missing")
    expect(reasonOf({ ...paymentExample, signature: null })).toBe("missing")
    expect(reasonOf({ ...signed(paymentExample, key), amount: "99.000" })).toBe("mismatch")
    expect(reasonOf(signed(paymentExample, "other-key"))).toBe("mismatch")
    expect(reasonOf({ junk: true, signature: "x".repeat(64) })).toBe("mismatch")
  })

  it("fails with a decode error naming the fields when an authentic body is no event", () => {
    const { session_id: _, ...anonymous } = paymentExample
    const result = Webhook.verify(signed({ ...anonymous, is_sandbox: "yes" }, key), key)
    expect(Either.isLeft(result) && result.left._tag).toBe("OttuWebhookDecodeError")
    const message = Either.isLeft(result) ? result.left.message : ""
    expect(message).toContain("session_id: is missing")
    expect(message).toContain("is_sandbox: Expected boolean")
    const operation = Webhook.verify(signed({ ...operationExample, txn: { amount: 1 } }, key), key)
    expect(Either.isLeft(operation) && operation.left.message).toContain("txn.currency_code")
  })

  it.effect("is an Effect without requirements", () =>
    Effect.gen(function* () {
      const event = yield* Webhook.verify(signed(paymentExample, key), key)
      expect(event.session_id).toBe(paymentExample.session_id)
      const exit = yield* Effect.exit(Webhook.verify(paymentExample, key))
      expect(Exit.isFailure(exit)).toBe(true)
    }),
  )
})
