/**
 * A decoded event as plain data, whatever keys its body had. Schema decoding builds each object
 * by assignment (`out[key] = value`): on Node and Bun a `__proto__` key then sets the object's
 * prototype instead of a field (its fields become inherited ones, or are dropped when the object
 * is copied), while on Deno, which has no `__proto__` accessor, it stays a field. `JSON.parse`
 * keeps it a field everywhere; so does this module, on every runtime.
 *
 * @internal
 */

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null

const field = (input: unknown, key: string): unknown =>
  isObject(input) && Object.hasOwn(input, key) ? (input as Record<string, unknown>)[key] : undefined

/** Whether a parsed body has a `__proto__` key at any depth. */
const hasProtoKey = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.some(hasProtoKey)
    : isObject(value) &&
      (Object.hasOwn(value, "__proto__") || Object.values(value).some(hasProtoKey))

/** `decoded` with every object decoded from one with a `__proto__` key rebuilt as data. */
const rebuild = (decoded: unknown, input: unknown): unknown => {
  if (Array.isArray(decoded))
    return decoded.map((item, i) => rebuild(item, field(input, String(i))))
  if (!isObject(decoded) || !isObject(input)) return decoded
  const protoKey = Object.hasOwn(input, "__proto__")
  if (!protoKey && Object.getPrototypeOf(decoded) !== Object.prototype) return decoded
  const fields = Object.entries(decoded).map(([key, value]) => [
    key,
    rebuild(value, field(input, key)),
  ])
  if (protoKey && !Object.hasOwn(decoded, "__proto__")) {
    fields.push(["__proto__", field(input, "__proto__")])
  }
  return Object.fromEntries(fields)
}

/**
 * The value decoded from the parsed body `input`, as plain data: a `__proto__` key of the body
 * is an own field of the result (never its prototype), at every depth. The decoded value itself
 * when the body has no such key.
 */
export const asPlainData = <A>(decoded: A, input: unknown): A =>
  hasProtoKey(input) ? (rebuild(decoded, input) as A) : decoded
