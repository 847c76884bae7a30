/**
 * Decoding with a fast path for the values that decode to themselves.
 *
 * What the SDK decodes (its callers' input, Ottu's JSON answers) is made of strings, numbers,
 * literals, arrays and objects, checked by filters: decoding such a value yields a copy equal to
 * it. effect's interpreter builds that copy with a parser per node, a search per union and an
 * `Either` per step, which is most of the SDK's own cost per call. Here a schema is compiled,
 * once, into a plain predicate meaning "effect would decode this value to an equal value with
 * the same keys"; when it holds, the value itself is the result. When it cannot tell (an invalid
 * value, an unknown key, a transformation, a node it does not know), effect's decoder runs and
 * its answer, issues included, is the one returned.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** The kinds of JavaScript value a node accepts, to tell whether members of a union overlap. */
type Kind = "string" | "number" | "boolean" | "bigint" | "null" | "undefined" | "array" | "record"

/** A compiled node. */
interface Check {
  /** True only when effect decodes `input` to an equal value with the same keys. */
  readonly test: (input: unknown) => boolean
  /** `test` is also false whenever effect refuses the input (objects are not: unknown keys). */
  readonly exact: boolean
  /** What the node accepts; `undefined` for anything. */
  readonly kinds: ReadonlyArray<Kind> | undefined
}

/** A node this module does not know: never sure, so effect always decides. */
const unsure: Check = { test: () => false, exact: false, kinds: undefined }

const anything: Check = { test: () => true, exact: true, kinds: undefined }

const primitive = (kind: Kind, test: (input: unknown) => boolean): Check => ({
  test,
  exact: true,
  kinds: [kind],
})

const overlap = (a: Check, b: Check): boolean =>
  a.kinds === undefined || b.kinds === undefined || a.kinds.some((kind) => b.kinds?.includes(kind))

/**
 * Some member holds. Sound when every member that is not exact shares no kind with the others:
 * then no other member can win effect's union search with a different result.
 */
const union = (members: ReadonlyArray<Check>): Check => {
  const sound = members.every(
    (member) =>
      member.exact || members.every((other) => other === member || !overlap(member, other)),
  )
  if (!sound) return unsure
  const tests = members.map((member) => member.test)
  return {
    test: (input) => {
      for (const test of tests) if (test(input)) return true
      return false
    },
    exact: members.every((member) => member.exact),
    kinds: members.some((member) => member.kinds === undefined)
      ? undefined
      : members.flatMap((member) => member.kinds ?? []),
  }
}

/** `Schema.Array(item)`: every index, holes included, holds for the item. */
const array = (ast: AST.TupleType, options: AST.ParseOptions): Check => {
  const [rest] = ast.rest
  if (ast.elements.length > 0 || ast.rest.length !== 1 || rest === undefined) return unsure
  const item = compile(rest.type, options)
  return {
    test: (input) => {
      if (!Array.isArray(input)) return false
      for (let i = 0; i < input.length; i++) if (!item.test(input[i])) return false
      return true
    },
    exact: item.exact,
    kinds: ["array"],
  }
}

/**
 * A struct: every present property holds, every required one is present, and every key is kept
 * by effect (a property, or any string key when there is a string index signature, whose value
 * then holds for every signature, as effect checks it).
 */
const struct = (ast: AST.TypeLiteral, options: AST.ParseOptions): Check => {
  const { propertySignatures, indexSignatures } = ast
  if (propertySignatures.length === 0 && indexSignatures.length === 0) return unsure
  if (
    propertySignatures.some((property) => typeof property.name !== "string") ||
    indexSignatures.some((signature) => signature.parameter._tag !== "StringKeyword")
  ) {
    return unsure
  }
  const properties = propertySignatures.map((property) => ({
    name: property.name as string,
    optional: property.isOptional,
    test: compile(property.type, options).test,
  }))
  const names = new Set(properties.map((property) => property.name))
  const values = indexSignatures.map((signature) => compile(signature.type, options).test)
  return {
    test: (input) => {
      if (typeof input !== "object" || input === null || Array.isArray(input)) return false
      const record = input as Record<string, unknown>
      for (const property of properties) {
        if (Object.hasOwn(record, property.name)) {
          if (!property.test(record[property.name])) return false
        } else if (!property.optional) return false
      }
      const keys = Object.keys(record)
      if (keys.length !== Reflect.ownKeys(record).length) return false
      for (const key of keys) {
        // effect copies into a plain object, where `__proto__` sets the prototype, not a key
        if (key === "__proto__") return false
        if (values.length === 0 && !names.has(key)) return false
        for (const value of values) if (!value(record[key])) return false
      }
      return true
    },
    exact: false,
    kinds: ["record"],
  }
}

const compile = (ast: AST.AST, options: AST.ParseOptions): Check => {
  if (
    Option.isSome(AST.getParseOptionsAnnotation(ast)) ||
    Option.isSome(AST.getDecodingFallbackAnnotation(ast))
  ) {
    return unsure
  }
  switch (ast._tag) {
    case "StringKeyword":
      return primitive("string", (input) => typeof input === "string")
    case "NumberKeyword":
      return primitive("number", (input) => typeof input === "number")
    case "BooleanKeyword":
      return primitive("boolean", (input) => typeof input === "boolean")
    case "UndefinedKeyword":
      return primitive("undefined", (input) => input === undefined)
    case "UnknownKeyword":
    case "AnyKeyword":
      return anything
    case "Literal": {
      const literal = ast.literal
      const kind = literal === null ? "null" : (typeof literal as Kind)
      return primitive(kind, (input) => input === literal)
    }
    case "Refinement": {
      const from = compile(ast.from, options)
      return {
        ...from,
        test: (input) => from.test(input) && Option.isNone(ast.filter(input, options, ast)),
      }
    }
    case "Union":
      return union(ast.types.map((member) => compile(member, options)))
    case "TupleType":
      return array(ast, options)
    case "TypeLiteral":
      return struct(ast, options)
    default:
      return unsure
  }
}

/** A compiled decoder: the decoded value, or effect's issue. */
export type Decoder<A> = (input: unknown) => Either.Either<A, ParseResult.ParseIssue>

/**
 * `ParseResult.decodeUnknownEither(schema, options)` with the fast path described above. The
 * predicate is compiled on the first call, so importing a module that defines schemas costs
 * nothing more.
 */
export const decodeUnknownEither = <A, I>(
  schema: Schema.Schema<A, I>,
  options: AST.ParseOptions = {},
): Decoder<A> => {
  const decode = ParseResult.decodeUnknownEither(schema, options)
  let test: ((input: unknown) => boolean) | undefined
  return (input) => {
    test ??= compile(schema.ast, options).test
    return test(input) ? Either.right(input as A) : decode(input)
  }
}

/** The decoders made so far, by options, then by schema. */
const decoders = new WeakMap<
  AST.ParseOptions,
  WeakMap<Schema.Schema.AnyNoContext, Decoder<unknown>>
>()

/**
 * The decoder of `schema` with `options`, made on first use and kept for the next calls. Pass
 * the same `options` object every time (a module-level constant): it is part of the key.
 */
export const decoderFor = <A, I>(
  schema: Schema.Schema<A, I>,
  options: AST.ParseOptions,
): Decoder<A> => {
  let bySchema = decoders.get(options)
  if (bySchema === undefined) {
    bySchema = new WeakMap()
    decoders.set(options, bySchema)
  }
  const known = bySchema.get(schema)
  if (known !== undefined) return known as Decoder<A>
  const decoder = decodeUnknownEither(schema, options)
  bySchema.set(schema, decoder)
  return decoder
}
