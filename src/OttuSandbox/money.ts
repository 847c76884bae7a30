/**
 * Money as the sandbox counts it: integer minor units (`bigint`, so 13 integer digits and 3
 * decimals never lose precision), read from and written back to Ottu's decimal strings with the
 * currency's ISO 4217 decimals. No amount ever goes through a JavaScript number.
 *
 * @internal
 */
import { minorUnits } from "../internal/currency.ts"

const decimalPattern = /^(\d*)(?:\.(\d*))?$/

/**
 * The minor units of a non-negative decimal string in `currency` (`"12.5"` in KWD gives
 * `12500n`), or undefined when it has non-zero digits beyond the currency's decimals (`"1.005"`
 * in USD), is not a plain decimal, or the currency is unknown. Trailing zeros are accepted
 * (`"1.000"` in USD is `100n`).
 */
export const toMinor = (amount: string, currency: string): bigint | undefined => {
  const decimals = minorUnits(currency)
  const match = decimalPattern.exec(amount)
  if (decimals === undefined || match === null) return undefined
  const [, integer = "", fraction = ""] = match
  if (integer === "" && fraction === "") return undefined
  if (/[1-9]/.test(fraction.slice(decimals))) return undefined
  return BigInt(`${integer}${fraction.slice(0, decimals).padEnd(decimals, "0")}` || "0")
}

/** The decimal string of an amount in minor units (`12500n` in KWD gives `"12.500"`). */
export const fromMinor = (units: bigint, currency: string): string => {
  const decimals = minorUnits(currency) ?? 0
  const sign = units < 0n ? "-" : ""
  const digits = (units < 0n ? -units : units).toString().padStart(decimals + 1, "0")
  const whole = digits.slice(0, digits.length - decimals)
  return decimals === 0 ? `${sign}${whole}` : `${sign}${whole}.${digits.slice(-decimals)}`
}

/** The sum of some amounts in minor units. */
export const sum = (amounts: ReadonlyArray<bigint>): bigint =>
  amounts.reduce((total, amount) => total + amount, 0n)
