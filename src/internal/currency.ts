/**
 * ISO 4217 currency codes and their minor units, plus decimal-string formatting that never goes
 * through a JavaScript number.
 *
 * @since 0.1.0
 * @internal
 */

/**
 * Active ISO 4217 alphabetic codes (list one) grouped by minor units. Codes whose minor unit is
 * "N.A." in the standard (precious metals, SDR, bond-market units, `XTS`, `XXX`) are left out:
 * nothing can be priced in them. `ANG`/`XCG` and `SLL`/`SLE` are both kept while the
 * replacements roll out.
 */
const codesByMinorUnits: ReadonlyArray<readonly [decimals: number, codes: string]> = [
  [0, "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"],
  [3, "BHD IQD JOD KWD LYD OMR TND"],
  [4, "CLF UYW"],
  [
    2,
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP " +
      "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD " +
      "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD " +
      "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD " +
      "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP " +
      "SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS " +
      "VED VES WST XCD XCG YER ZAR ZMW ZWG",
  ],
]

const decimalsByCode: ReadonlyMap<string, number> = new Map(
  codesByMinorUnits.flatMap(([decimals, codes]) =>
    codes.split(" ").map((code) => [code, decimals] as const),
  ),
)

/**
 * Number of decimals of an ISO 4217 currency, or undefined when the code is not an active
 * ISO 4217 code.
 *
 * **Details**: the lookup is case-sensitive, as Ottu's codes are upper case (`"kwd"` gives
 * `undefined`).
 *
 * @since 0.1.0
 * @category currency
 */
export const minorUnits = (code: string): number | undefined => decimalsByCode.get(code)

/**
 * True when `code` is an active ISO 4217 alphabetic code (upper case, 3 letters).
 *
 * @since 0.1.0
 * @category currency
 */
export const isCurrencyCode = (code: string): boolean => decimalsByCode.has(code)

const decimalPattern = /^(-?)(\d*)(?:\.(\d*))?$/

/** Adds one to a string of decimal digits, keeping its length unless the carry overflows. */
const incrementDigits = (digits: string): string => {
  const out = digits.split("")
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== "9") {
      out[i] = String(Number(out[i]) + 1)
      return out.join("")
    }
    out[i] = "0"
  }
  return `1${out.join("")}`
}

/**
 * Formats a decimal string to the currency's decimals without going through a JS number
 * (`"20.23","KWD"` gives `"20.230"`; `"5","JPY"` gives `"5"`). Rounds half-up (away from zero)
 * only when the input has more decimals than the currency allows.
 *
 * **Gotchas**: an input that is not a plain decimal string (exponents, spaces, `"1,5"`) or a code
 * that is not an ISO 4217 code is returned unchanged, so callers validate first.
 *
 * @since 0.1.0
 * @category currency
 */
export const formatAmount = (amount: string, code: string): string => {
  const decimals = minorUnits(code)
  const match = decimalPattern.exec(amount)
  if (decimals === undefined || match === null) return amount
  const [, sign = "", integer = "", fraction = ""] = match
  if (integer === "" && fraction === "") return amount
  const padded = fraction.padEnd(decimals, "0")
  const kept = `${integer}${padded.slice(0, decimals)}`
  const roundUp = (padded[decimals] ?? "0") >= "5"
  const digits = roundUp ? incrementDigits(kept) : kept
  const whole = digits.slice(0, digits.length - decimals).replace(/^0+(?=\d)/, "") || "0"
  const rest = digits.slice(digits.length - decimals)
  const isZero = /^0*$/.test(whole + rest)
  return `${isZero ? "" : sign}${whole}${decimals > 0 ? `.${rest}` : ""}`
}
