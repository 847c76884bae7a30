import { describe, expect, it } from "@effect/vitest"
import { formatAmount, isCurrencyCode, minorUnits } from "../src/internal/currency.ts"

describe("minorUnits", () => {
  it.each([
    ["KWD", 3],
    ["BHD", 3],
    ["OMR", 3],
    ["IQD", 3],
    ["JOD", 3],
    ["LYD", 3],
    ["TND", 3],
    ["JPY", 0],
    ["KRW", 0],
    ["CLP", 0],
    ["ISK", 0],
    ["VND", 0],
    ["UGX", 0],
    ["XAF", 0],
    ["XOF", 0],
    ["USD", 2],
    ["EUR", 2],
    ["AED", 2],
    ["SAR", 2],
    ["QAR", 2],
    ["EGP", 2],
    ["CLF", 4],
  ] as const)("%s has %i decimals", (code, decimals) => {
    expect(minorUnits(code)).toBe(decimals)
  })

  it.each(["kwd", "XYZ", "XAU", "HRK", "", "KWDX"])("%j is not an active code", (code) => {
    expect(minorUnits(code)).toBeUndefined()
  })
})

describe("isCurrencyCode", () => {
  it("accepts active upper-case codes only", () => {
    expect(isCurrencyCode("KWD")).toBe(true)
    expect(isCurrencyCode("USD")).toBe(true)
    expect(isCurrencyCode("Kwd")).toBe(false)
    expect(isCurrencyCode("KW")).toBe(false)
    expect(isCurrencyCode("ABC")).toBe(false)
    expect(isCurrencyCode("toString")).toBe(false)
  })
})

describe("formatAmount", () => {
  it.each([
    ["20.23", "KWD", "20.230"],
    ["20", "KWD", "20.000"],
    ["5", "JPY", "5"],
    ["5.00", "JPY", "5"],
    ["5.5", "JPY", "6"],
    ["5.49", "JPY", "5"],
    ["10", "USD", "10.00"],
    ["9.995", "USD", "10.00"],
    ["9.994", "USD", "9.99"],
    ["99.9995", "KWD", "100.000"],
    [".5", "KWD", "0.500"],
    ["1.", "USD", "1.00"],
    ["007.1", "EUR", "7.10"],
    ["-1.235", "USD", "-1.24"],
    ["-0.001", "USD", "0.00"],
    ["12345678901234567890.1", "USD", "12345678901234567890.10"],
    ["0.12345", "CLF", "0.1235"],
  ])("%s %s -> %s", (amount, code, expected) => {
    expect(formatAmount(amount, code)).toBe(expected)
  })

  it("returns input it cannot format unchanged", () => {
    expect(formatAmount("1e3", "USD")).toBe("1e3")
    expect(formatAmount("1,5", "USD")).toBe("1,5")
    expect(formatAmount("", "USD")).toBe("")
    expect(formatAmount("12.5", "XYZ")).toBe("12.5")
  })
})
