/**
 * The store's ordering rule as a pure function: the state table, and properties of merging any
 * sequence of documents (fast-check).
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import * as fc from "fast-check"
import { accepts } from "../src/CheckoutStore/ordering.ts"
import { factsOf, merge } from "../src/CheckoutStore/records.ts"
import type { StoredCheckout } from "../src/CheckoutStore.ts"

const states = [
  "created",
  "pending",
  "attempted",
  "authorized",
  "paid",
  "cod",
  "failed",
  "canceled",
  "expired",
  "invalided",
  "refunded",
  "voided",
] as const

const final = ["canceled", "invalided", "refunded", "voided"]

describe("ordering rule", () => {
  it.each([
    ["created", "pending", true],
    ["created", "paid", true],
    ["pending", "attempted", true],
    ["attempted", "pending", true],
    ["attempted", "created", false],
    ["pending", "paid", true],
    ["failed", "paid", true],
    ["expired", "authorized", true],
    ["failed", "expired", false],
    ["expired", "pending", false],
    ["authorized", "paid", true],
    ["authorized", "voided", true],
    ["authorized", "pending", false],
    ["authorized", "failed", false],
    ["paid", "refunded", true],
    ["paid", "pending", false],
    ["paid", "authorized", false],
    ["paid", "failed", false],
    ["cod", "canceled", true],
    ["canceled", "paid", false],
    ["refunded", "paid", false],
    ["voided", "authorized", false],
    ["paid", "paid", true],
    ["pending", "some_new_state", true],
    ["paid", "some_new_state", false],
    ["some_new_state", "pending", true],
  ] as const)("%s → %s: %s", (from, to, expected) => {
    expect(accepts(from, to)).toBe(expected)
  })

  interface Document {
    readonly state: (typeof states)[number]
    readonly token: string | undefined
    readonly reference_number: string
  }

  const document: fc.Arbitrary<Document> = fc.record({
    state: fc.constantFrom(...states),
    token: fc.option(fc.constantFrom("tok-a", "tok-b"), { nil: undefined }),
    reference_number: fc.string({ maxLength: 4 }),
  })

  /** Merges the documents in order, one second apart; every stored checkout along the way. */
  const replay = (documents: ReadonlyArray<Document>): ReadonlyArray<StoredCheckout> => {
    const trail: Array<StoredCheckout> = []
    let current: StoredCheckout | null = null
    documents.forEach((doc, i) => {
      const payload = {
        ...doc,
        ...(doc.token === undefined ? {} : { token: { token: doc.token, pg_code: "credit-card" } }),
      }
      current = merge(current, factsOf("s-1", payload), DateTime.unsafeMake(i * 1000)).checkout
      trail.push(current)
    })
    return trail
  }

  it("the stored state only moves along the lifecycle, and a final state never changes", () => {
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 30 }), (documents) => {
        const trail = replay(documents)
        for (let i = 1; i < trail.length; i++) {
          const before = trail[i - 1]?.state ?? null
          const after = trail[i]?.state ?? null
          expect(before === after || accepts(before, after ?? "")).toBe(true)
          if (before !== null && final.includes(before)) expect(after).toBe(before)
        }
      }),
    )
  })

  it("with a refund among documents that are not final, every order ends refunded", () => {
    const refund = { state: "refunded" as const, token: undefined, reference_number: "R" }
    const permutations = fc
      .array(
        document.filter((doc) => !final.includes(doc.state)),
        { maxLength: 20 },
      )
      .chain((others) =>
        fc.shuffledSubarray([...others, refund], {
          minLength: others.length + 1,
          maxLength: others.length + 1,
        }),
      )
    fc.assert(
      fc.property(permutations, (order) => {
        const last = replay(order).at(-1)
        expect(last?.state).toBe("refunded")
        expect(last?.payload).toEqual(refund)
      }),
    )
  })

  it("a saved card is never lost, whatever the order", () => {
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 30 }), (documents) => {
        const last = replay(documents).at(-1)
        const anyToken = documents.some((doc) => doc.token !== undefined)
        expect(last?.token !== null).toBe(anyToken)
      }),
    )
  })
})
