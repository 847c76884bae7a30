import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { Checkout, PaymentMethods } from "../src/index.ts"
import { decodeUnknownEither } from "../src/internal/fastDecode.ts"

const strict: AST.ParseOptions = { errors: "all", onExcessProperty: "error" }

/** Effect's decoder's answer, or undefined when it throws (an object whose toString is not a function). */
const effectsAnswer = <A, I>(
  schema: Schema.Schema<A, I>,
  options: AST.ParseOptions,
  input: unknown,
) => {
  try {
    return ParseResult.decodeUnknownEither(schema, options)(input)
  } catch {
    return undefined
  }
}

/** The fast decoder must answer exactly what effect's decoder answers. */
const agrees = <A, I>(schema: Schema.Schema<A, I>, options: AST.ParseOptions, input: unknown) => {
  const slow = effectsAnswer(schema, options, input)
  // Inputs effect's own decoder cannot describe (it throws) are outside this property.
  fc.pre(slow !== undefined)
  if (slow === undefined) return
  const fast = decodeUnknownEither(schema, options)(input)
  expect(Either.isRight(fast)).toBe(Either.isRight(slow))
  if (Either.isRight(fast) && Either.isRight(slow)) expect(fast.right).toStrictEqual(slow.right)
  if (Either.isLeft(fast) && Either.isLeft(slow)) {
    expect(ParseResult.ArrayFormatter.formatIssueSync(fast.left)).toEqual(
      ParseResult.ArrayFormatter.formatIssueSync(slow.left),
    )
  }
}

const json = fc.jsonValue({ maxDepth: 2 })

/** A value with one change somewhere inside: a key added or removed, or a value replaced. */
const mutated = (value: unknown): fc.Arbitrary<unknown> => {
  if (Array.isArray(value) && value.length > 0) {
    return fc
      .nat(value.length - 1)
      .chain((i) => mutated(value[i]).map((item) => value.map((v, j) => (j === i ? item : v))))
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>
    const keys = Object.keys(record)
    const added = fc
      .tuple(fc.constantFrom("extra", "session_id", "amount", "code", "__proto__x"), json)
      .map(([key, v]) => ({ ...record, [key]: v }))
    if (keys.length === 0) return added
    const key = fc.constantFrom(...keys)
    return fc.oneof(
      added,
      key.map((k) => Object.fromEntries(Object.entries(record).filter(([name]) => name !== k))),
      fc.tuple(key, json).map(([k, v]) => ({ ...record, [k]: v })),
      key.chain((k) => mutated(record[k]).map((inner) => ({ ...record, [k]: inner }))),
    )
  }
  return fc.oneof(json, fc.constant(undefined), fc.constant(value))
}

/** Mostly `good`, sometimes `bad`. */
const mostly = <A>(good: fc.Arbitrary<A>, bad: fc.Arbitrary<A>): fc.Arbitrary<A> =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 })

/** Checkout input, mostly valid: the filters of `CreateParams` defeat a derived arbitrary. */
const checkoutInput: fc.Arbitrary<unknown> = fc.record(
  {
    type: fc.constantFrom("e_commerce", "payment_request"),
    amount: mostly(fc.constantFrom("1", "20.230", "1.5"), fc.constantFrom("0", "1.2345", "x")),
    currency_code: mostly(fc.constant("KWD"), fc.constantFrom("USD", "JPY", "kwd")),
    pg_codes: mostly(
      fc.array(fc.constantFrom("knet", "credit-card"), { minLength: 1 }),
      fc.constant([]),
    ),
    payment_type: mostly(fc.constant("one_off"), fc.constantFrom("auto_debit", "save_card")),
    customer_id: fc.string({ maxLength: 3 }),
    customer_email: mostly(fc.constant("buyer@example.com"), fc.constant("not an address")),
    notifications: fc.record({ sms: fc.array(mostly(fc.constant("paid"), fc.constant("nope"))) }),
    extra: fc.dictionary(fc.string(), json),
    language: mostly(fc.constantFrom("en", "ar"), fc.constant("fr")),
    redirect_url: mostly(fc.constant("https://shop.example.com/return"), fc.constant("nope")),
  },
  { requiredKeys: ["type", "amount", "currency_code", "pg_codes"] },
)

/** Values of the schema (or `valid`), the same values changed once, and arbitrary JSON. */
const inputs = <A, I>(
  schema: Schema.Schema<A, I>,
  valid = Arbitrary.make(Schema.encodedSchema(schema)) as fc.Arbitrary<unknown>,
): fc.Arbitrary<unknown> => fc.oneof(valid, valid.chain(mutated), json)

const Sample = Schema.Struct({
  kind: Schema.Literal("a", "b"),
  name: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(3)))),
  tags: Schema.Array(Schema.Union(Schema.Literal(1, 2), Schema.String)),
  nested: Schema.optional(
    Schema.Struct({ n: Schema.Number }, { key: Schema.String, value: Schema.Boolean }),
  ),
  either: Schema.optional(
    Schema.Union(Schema.Struct({ x: Schema.String }), Schema.Struct({ y: Schema.Number })),
  ),
  date: Schema.optional(Schema.DateFromString),
})

const cases: ReadonlyArray<readonly [string, Schema.Schema.AnyNoContext, fc.Arbitrary<unknown>]> = [
  ["Checkout.CheckoutSession", Checkout.CheckoutSession, inputs(Checkout.CheckoutSession)],
  ["Checkout.CreateParams", Checkout.CreateParams, inputs(Checkout.CreateParams, checkoutInput)],
  ["Checkout.UpdateParams", Checkout.UpdateParams, inputs(Checkout.UpdateParams, checkoutInput)],
  ["Checkout.PaymentInstrument", Checkout.PaymentInstrument, inputs(Checkout.PaymentInstrument)],
  [
    "PaymentMethods.PaymentMethods",
    PaymentMethods.PaymentMethods,
    inputs(PaymentMethods.PaymentMethods),
  ],
  ["a sample of every node kind", Sample, inputs(Sample)],
]

describe("fastDecode", () => {
  for (const [name, schema, input] of cases) {
    for (const [mode, options] of [
      ["lenient", {}],
      ["strict", strict],
    ] as const) {
      it(`agrees with effect's decoder on ${name} (${mode})`, () => {
        fc.assert(
          fc.property(input, (value) => agrees(schema, options, value)),
          { numRuns: 300 },
        )
      })
    }
  }

  it("returns a plain valid value itself, without a copy", () => {
    const session = { session_id: "s1", state: "created", extra: { a: 1 }, unknown_field: [1] }
    const decoded = decodeUnknownEither(Checkout.CheckoutSession)(session)
    expect(Either.isRight(decoded) && decoded.right).toBe(session)
  })

  it("leaves unknown keys and transformations to effect", () => {
    const create = { type: "e_commerce", amount: "1.000", currency_code: "KWD", pg_codes: ["knet"] }
    const excess = decodeUnknownEither(Checkout.CreateParams, strict)({ ...create, nope: 1 })
    expect(Either.isLeft(excess)).toBe(true)
    const dated = decodeUnknownEither(Sample)({ kind: "a", tags: [], date: "2026-01-01" })
    expect(Either.isRight(dated) && dated.right.date).toBeInstanceOf(Date)
  })
})
