/**
 * Text as the SQL store writes and reads it. A genuine event may carry any JavaScript string —
 * a NUL character, an unpaired surrogate — and PostgreSQL refuses both (`TEXT` holds no NUL,
 * `JSONB` neither `\u0000` nor an unpaired surrogate escape; the driver turns an unpaired
 * surrogate into U+FFFD). So, on SQLite and PostgreSQL alike:
 *
 * - **text columns** (session id, order number, customer id, token, ...) hold the text escaped:
 *   NUL, each unpaired surrogate and U+FFFF (a noncharacter, the escape) become U+FFFF followed
 *   by the code unit in four lowercase hex digits (`"a\u0000b"` is stored as `"a\uffff0000b"`).
 *   Any other text, which is all Ottu sends, is stored as it is. Reads unescape, and lookups
 *   escape their argument, so both see the exact text.
 * - **the payload** is stored as JSON (`JSONB` on PostgreSQL) with every key and string escaped
 *   the same way, for querying; when that differs from the payload, the exact JSON text
 *   (`JSON.stringify`, which writes NUL and unpaired surrogates as ASCII `\u` escapes) is kept in
 *   `raw_payload` too, and reads parse that.
 *
 * Parsing is `JSON.parse`, which keeps `__proto__` and `constructor` keys as data: a payload is
 * never rebuilt by assignment, which would turn a `__proto__` key into the object's prototype.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

/** What PostgreSQL cannot hold, and the escape character itself. */
const unstorable =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what PostgreSQL cannot hold
  /[\u0000\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

const escaped = /\uffff([0-9a-f]{4})/g

/** Text as the store writes it in a column (see the module's documentation). */
export const escapeText = (text: string): string =>
  text.replace(unstorable, (unit) => `\uffff${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** The exact text of an escaped column. */
export const unescapeText = (stored: string): string =>
  stored.replace(escaped, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))

/** A text column: escaped text in the database, the exact text in the program. */
export const StoredText = Schema.transform(Schema.String, Schema.String, {
  strict: true,
  decode: unescapeText,
  encode: escapeText,
})

/** A value with every key and string escaped; objects are built as data, never assigned into. */
const escapeJson = (value: unknown): unknown =>
  typeof value === "string"
    ? escapeText(value)
    : Array.isArray(value)
      ? value.map(escapeJson)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(
            Object.entries(value).map(([key, field]) => [escapeText(key), escapeJson(field)]),
          )
        : value

/** A JSON text that may hold something {@link escapeText} changes (a false alarm is harmless). */
const mayNeedEscapes = /\\u(?:0000|d[89a-f])|\uffff/

/**
 * A payload as the store writes it: `payload`, the JSON for querying, and `raw`, the exact JSON
 * text when it differs (`null` otherwise).
 */
export const payloadColumns = (
  payload: Readonly<Record<string, unknown>>,
): { readonly payload: string; readonly raw: string | null } => {
  const exact = JSON.stringify(payload)
  if (!mayNeedEscapes.test(exact)) return { payload: exact, raw: null }
  const queryable = JSON.stringify(escapeJson(payload))
  return { payload: queryable, raw: queryable === exact ? null : exact }
}

/** The SQL expression that reads a payload back as JSON text: the exact text when kept. */
export const payloadText = "COALESCE(raw_payload, CAST(payload AS TEXT)) AS payload"

const isJsonObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * A payload read back: JSON text of an object, parsed as it is (its objects are the ones
 * `JSON.parse` made, with `__proto__` an own key like any other).
 */
export const StoredPayload = Schema.parseJson(
  Schema.declare(isJsonObject, { identifier: "JsonObject" }),
)
