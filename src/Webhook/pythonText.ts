/**
 * The text Python's `str()` gives for a value parsed from JSON. Ottu signs webhook fields with
 * `f"{key}{value}"`, so a signed value that is not a string becomes text the Python way.
 *
 * @internal
 */

/**
 * `str()` of an integer or a float. A JavaScript number does not say which of the two Python
 * held: an integral number is taken as an integer (`86`), anything else as a float (`86.5`).
 */
export const pythonNumber = (value: number): string =>
  Number.isInteger(value)
    ? Number.isSafeInteger(value)
      ? String(value)
      : BigInt(value).toString()
    : pythonFloat(value)

/**
 * `str()` of the number a JSON literal gives Python: `json.loads` reads a literal with a decimal
 * point or an exponent as a float (`86.000` is `86.0`, `1e3` is `1000.0`), any other as an
 * integer of exactly those digits (`-0` is `0`).
 */
export const pythonNumberFromLiteral = (literal: string): string =>
  /[.eE]/.test(literal) ? pythonFloat(Number(literal)) : literal === "-0" ? "0" : literal

/**
 * `repr()` of a float: the shortest digits that read back to the same float (the digits
 * JavaScript prints too), written in positional notation with at least one decimal (`10.0`)
 * when the decimal exponent is between -4 and 16, in scientific notation with a signed exponent
 * of at least two digits (`1e+16`, `1.5e-05`) otherwise.
 */
const pythonFloat = (value: number): string => {
  if (Number.isNaN(value)) return "nan"
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf"
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0"
  const [mantissa = "", exponent = ""] = value.toExponential().split("e")
  const sign = value < 0 ? "-" : ""
  const digits = mantissa.replace("-", "").replace(".", "")
  const power = Number(exponent)
  const point = power + 1
  if (point > 16 || point < -3) {
    const head = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`
    return `${sign}${head}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`
  }
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** Characters `repr()` escapes beyond ASCII: Python's non-printable categories. */
const nonPrintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u

const hex = (code: number, width: number): string => code.toString(16).padStart(width, "0")

/** `repr()` of a string: quoted, with Python's escapes. */
const pythonStringRepr = (text: string): string => {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (char === quote || char === "\\") out += `\\${char}`
    else if (char === "\t") out += "\\t"
    else if (char === "\n") out += "\\n"
    else if (char === "\r") out += "\\r"
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`
    else if (code < 0x7f || !nonPrintable.test(char)) out += char
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`
    else out += `\\U${hex(code, 8)}`
  }
  return out + quote
}

/** `repr()` of a value inside a list or dict. */
const pythonRepr = (value: unknown): string =>
  typeof value === "string" ? pythonStringRepr(value) : pythonStr(value)

/**
 * `str()` of a JSON value: strings as they are, `True`/`False`, `None`, numbers as above, lists
 * and dicts as their `repr()` (`['a', 1]`, `{'k': 'v'}`) with keys in the object's own order.
 */
export const pythonStr = (value: unknown): string => {
  switch (typeof value) {
    case "string":
      return value
    case "number":
      return pythonNumber(value)
    case "boolean":
      return value ? "True" : "False"
    case "object":
      if (value === null) return "None"
      if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`
      return `{${Object.entries(value)
        .map(([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item)}`)
        .join(", ")}}`
    case "undefined":
      return "None"
    default:
      return String(value)
  }
}
