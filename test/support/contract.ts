/**
 * In-process request validator for the official Ottu OpenAPI document
 * (`test/contract/Ottu_API.yaml`).
 *
 * The document is parsed, dereferenced and compiled with Ajv (JSON Schema 2020-12) once, on the
 * first call to {@link validateRequest}. Before compiling, schemas are adapted to the request
 * direction: `readOnly` properties are removed from `properties` and `required` (the spec lists
 * server-generated fields such as `session_id` as required), and OpenAPI 3.0 style
 * `nullable: true` becomes a `"null"` type union.
 *
 * Authentication is checked through the `Authorization` header *parameter* that most operations
 * declare (documented as `Api-Key <key>`); the spec's `security` block is ignored because it does
 * not describe the Api-Key scheme at all.
 *
 * @module
 */
import { readFileSync } from "node:fs"
import { dereference } from "@readme/openapi-parser"
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js"
import addFormats from "ajv-formats"
import { parse } from "yaml"

/** A request as seen on the wire, reduced to what the contract can check. */
export interface ContractRequest {
  /** HTTP method, any case. */
  readonly method: string
  /** Absolute URL or absolute path; may include a query string. */
  readonly url: string
  /** Request headers; names are matched case-insensitively. */
  readonly headers: Record<string, string>
  /**
   * The request body; omit it when no body is sent. `json` carries the parsed payload of JSON
   * media types, `form` the fields of `multipart/form-data` or
   * `application/x-www-form-urlencoded` bodies in order (file parts as `{ file: true, name }`).
   * A body of any other media type counts as non-empty.
   */
  readonly body?: {
    readonly contentType: string
    readonly json?: unknown
    readonly form?: ReadonlyArray<
      readonly [string, string | { readonly file: true; readonly name: string }]
    >
  }
}

type Schema = { readonly [keyword: string]: unknown }

interface SpecParameter {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly schema?: Schema
}

interface SpecOperation {
  readonly parameters?: ReadonlyArray<SpecParameter>
  readonly requestBody?: {
    readonly required?: boolean
    readonly content?: { readonly [mediaType: string]: { readonly schema?: Schema } }
  }
}

interface Parameter {
  readonly name: string
  readonly location: "path" | "query" | "header"
  readonly required: boolean
  readonly schema: Schema
  readonly validate: ValidateFunction
}

interface MediaType {
  readonly schema: Schema
  readonly validate: ValidateFunction
}

interface Operation {
  readonly parameters: ReadonlyArray<Parameter>
  /** `undefined` when the operation declares no request body. */
  readonly body:
    | { readonly required: boolean; readonly media: ReadonlyMap<string, MediaType> }
    | undefined
}

interface Route {
  readonly template: string
  readonly pattern: RegExp
  readonly pathParams: ReadonlyArray<string>
  readonly operations: ReadonlyMap<string, Operation>
}

const specUrl = new URL("../contract/Ottu_API.yaml", import.meta.url)
const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
const formMediaTypes = new Set(["multipart/form-data", "application/x-www-form-urlencoded"])
const parameterLocations = new Set<string>(["path", "query", "header"])

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Copies the (dereferenced, possibly shared) schema graph, adapting every schema for requests.
 * Shared sub-schemas map to one shared copy, so Ajv's per-object cache still deduplicates them.
 */
const forRequests = (document: unknown): unknown => {
  const copies = new Map<object, unknown>()
  const visit = (node: unknown): unknown => {
    if (typeof node !== "object" || node === null) return node
    const known = copies.get(node)
    if (known !== undefined) return known
    if (Array.isArray(node)) {
      const copy: Array<unknown> = []
      copies.set(node, copy)
      for (const item of node) copy.push(visit(item))
      return copy
    }
    const copy: Record<string, unknown> = {}
    copies.set(node, copy)
    for (const [key, value] of Object.entries(node)) copy[key] = visit(value)
    const properties = copy.properties
    if (isRecord(properties)) {
      const readOnly = Object.keys(properties).filter(
        (name) => isRecord(properties[name]) && properties[name].readOnly === true,
      )
      for (const name of readOnly) delete properties[name]
      if (Array.isArray(copy.required)) {
        copy.required = copy.required.filter((name) => !readOnly.includes(name))
      }
    }
    if (copy.nullable === true) {
      delete copy.nullable
      if (typeof copy.type === "string") copy.type = [copy.type, "null"]
    }
    return copy
  }
  return visit(document)
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const compileRoute = (ajv: Ajv2020, template: string, pathItem: Record<string, unknown>): Route => {
  const pathParams: Array<string> = []
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part)?.[1]
      if (param === undefined) return escapeRegExp(part)
      pathParams.push(param)
      return "([^/]+)"
    })
    .join("")
  const shared = (pathItem.parameters ?? []) as ReadonlyArray<SpecParameter>
  const operations = new Map<string, Operation>()
  for (const method of httpMethods) {
    const spec = pathItem[method] as SpecOperation | undefined
    if (spec === undefined) continue
    const declared = new Map<string, SpecParameter>()
    for (const param of [...shared, ...(spec.parameters ?? [])]) {
      declared.set(`${param.in}:${param.name}`, param)
    }
    const parameters = [...declared.values()]
      .filter((param) => parameterLocations.has(param.in))
      .map((param): Parameter => {
        const schema = param.schema ?? {}
        return {
          name: param.name,
          location: param.in as Parameter["location"],
          required: param.required === true,
          schema,
          validate: ajv.compile(schema),
        }
      })
    const requestBody = spec.requestBody
    const media = new Map<string, MediaType>()
    for (const [type, content] of Object.entries(requestBody?.content ?? {})) {
      const schema = content.schema ?? {}
      media.set(type.toLowerCase(), { schema, validate: ajv.compile(schema) })
    }
    operations.set(method.toUpperCase(), {
      parameters,
      body:
        requestBody === undefined ? undefined : { required: requestBody.required === true, media },
    })
  }
  return { template, pattern: new RegExp(`^${source}$`), pathParams, operations }
}

const loadRoutes = async (): Promise<ReadonlyArray<Route>> => {
  const raw: unknown = parse(readFileSync(specUrl, "utf8"))
  const document = forRequests(await dereference(raw as never)) as {
    readonly paths: Record<string, Record<string, unknown>>
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addFormat("decimal", /^-?\d+(\.\d+)?$/)
  return (
    Object.entries(document.paths)
      .map(([template, pathItem]) => compileRoute(ajv, template, pathItem))
      // Literal paths win over templated ones when both match.
      .sort((a, b) => a.pathParams.length - b.pathParams.length)
  )
}

let routes: Promise<ReadonlyArray<Route>> | undefined

const typesOf = (schema: unknown): ReadonlyArray<unknown> => {
  const type = isRecord(schema) ? schema.type : undefined
  return Array.isArray(type) ? type : [type]
}

/** Interprets a textual value (query, header, path, form field) by the schema's declared type. */
const coerce = (value: string, schema: unknown): unknown => {
  const types = typesOf(schema)
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true"
  if (
    (types.includes("integer") || types.includes("number")) &&
    /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)
  ) {
    return Number(value)
  }
  return value
}

/** Coerces one or more textual values; repeated values or an `array` schema yield an array. */
const coerceAll = (values: ReadonlyArray<string>, schema: unknown): unknown => {
  if (values.length > 1 || typesOf(schema).includes("array")) {
    const items = isRecord(schema) ? schema.items : undefined
    return values.map((value) => coerce(value, items))
  }
  return coerce(values[0] ?? "", schema)
}

const describe = (error: ErrorObject): string => {
  const at = error.instancePath === "" ? "" : `${error.instancePath} `
  const allowed = error.params.allowedValues
  const suffix = Array.isArray(allowed) ? `: ${allowed.join(", ")}` : ""
  return `${at}${error.message ?? error.keyword}${suffix}`
}

const checkValue = (
  label: string,
  validate: ValidateFunction,
  value: unknown,
  ignore: (error: ErrorObject) => boolean = () => false,
): ReadonlyArray<string> =>
  validate(value)
    ? []
    : (validate.errors ?? [])
        .filter((error) => !ignore(error))
        .map((e) => `${label}: ${describe(e)}`)

const groupFields = (fields: Iterable<readonly [string, string]>) => {
  const groups = new Map<string, Array<string>>()
  for (const [name, value] of fields) {
    const group = groups.get(name)
    if (group === undefined) groups.set(name, [value])
    else group.push(value)
  }
  return groups
}

const checkParameters = (
  operation: Operation,
  pathValues: ReadonlyMap<string, string>,
  url: URL,
  headers: Record<string, string>,
): ReadonlyArray<string> => {
  const violations: Array<string> = []
  const headerValues = new Map(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value] as const),
  )
  const query = groupFields(url.searchParams)
  for (const param of operation.parameters) {
    const label = `${param.location} parameter ${param.name}`
    let values: ReadonlyArray<string> | undefined
    if (param.location === "path") {
      const value = pathValues.get(param.name)
      values = value === undefined ? undefined : [value]
    } else if (param.location === "header") {
      const value = headerValues.get(param.name.toLowerCase())
      values = value === undefined ? undefined : [value]
    } else {
      values = query.get(param.name)
      query.delete(param.name)
    }
    if (values === undefined) {
      if (param.required) violations.push(`${label}: missing (required)`)
      continue
    }
    violations.push(...checkValue(label, param.validate, coerceAll(values, param.schema)))
  }
  for (const name of query.keys()) violations.push(`query parameter ${name}: not declared`)
  return violations
}

type FormEntries = NonNullable<NonNullable<ContractRequest["body"]>["form"]>

const checkForm = (media: MediaType, form: FormEntries): ReadonlyArray<string> => {
  const properties = isRecord(media.schema.properties) ? media.schema.properties : {}
  const files = new Set<string>()
  const fields: Array<readonly [string, string]> = []
  for (const [name, value] of form) {
    if (typeof value === "string") fields.push([name, value])
    else files.add(name)
  }
  const violations = [...files]
    .filter((name) => !(name in properties))
    .map((name) => `body: file part ${name} is not a declared field`)
  const data = Object.fromEntries(
    [...groupFields(fields)].map(([name, values]) => [name, coerceAll(values, properties[name])]),
  )
  // File fields are declared as uri strings in the spec; their content is not validated.
  const aboutFile = (error: ErrorObject) =>
    files.has(error.instancePath.split("/")[1] ?? "") ||
    (error.keyword === "required" && files.has(String(error.params.missingProperty)))
  return [...violations, ...checkValue("body", media.validate, data, aboutFile)]
}

const checkBody = (operation: Operation, body: ContractRequest["body"]): ReadonlyArray<string> => {
  const mediaType = body?.contentType.split(";")[0]?.trim().toLowerCase() ?? ""
  const isForm = formMediaTypes.has(mediaType)
  const isJson = mediaType === "application/json" || mediaType.endsWith("+json")
  const empty =
    body === undefined ||
    (isForm && (body.form?.length ?? 0) === 0) ||
    (isJson && body.json === undefined)
  if (operation.body === undefined) {
    return empty ? [] : [`body: sent (${mediaType}), but the operation declares no request body`]
  }
  if (body === undefined) return operation.body.required ? ["body: missing (required)"] : []
  const media = operation.body.media.get(mediaType)
  if (media === undefined) {
    const declared = [...operation.body.media.keys()].join(", ")
    return [`body: content type ${body.contentType} is not declared (expected ${declared})`]
  }
  if (empty) return operation.body.required ? ["body: empty (required)"] : []
  return isForm ? checkForm(media, body.form ?? []) : checkValue("body", media.validate, body.json)
}

/** Keycloak's token endpoint, which Ottu's spec does not describe (API reference §2.2). */
const keycloakTokenPath =
  /^\/auth\/realms\/[A-Za-z0-9][A-Za-z0-9._-]*\/protocol\/openid-connect\/token$/

/** The fields of each grant ottu-py sends: required, then optional. */
const grants: Record<string, readonly [ReadonlyArray<string>, ReadonlyArray<string>]> = {
  password: [["grant_type", "client_id", "username", "password"], ["client_secret"]],
  client_credentials: [["grant_type", "client_id", "client_secret"], []],
}

/**
 * Holds a request to Keycloak's token endpoint to the OAuth 2 token request (RFC 6749 §4.3 and
 * §4.4) as ottu-py sends it: a POST without query, a form-encoded body with the grant's fields,
 * each once and not empty, and nothing else.
 */
const checkTokenRequest = (method: string, url: URL, body: ContractRequest["body"]) => {
  const violations: Array<string> = []
  if (method !== "POST") violations.push(`method ${method}: the token endpoint takes POST`)
  if (url.search !== "") violations.push("query: the token endpoint takes none")
  const mediaType = body?.contentType.split(";")[0]?.trim().toLowerCase()
  if (mediaType !== "application/x-www-form-urlencoded") {
    return [...violations, `body: content type ${body?.contentType} (expected form-urlencoded)`]
  }
  const fields = groupFields((body?.form ?? []).map(([name, value]) => [name, String(value)]))
  const [required = [], optional = []] = grants[fields.get("grant_type")?.[0] ?? ""] ?? []
  if (required.length === 0)
    return [...violations, "body: grant_type is not password or client_credentials"]
  for (const name of required) if (!fields.has(name)) violations.push(`body: ${name} missing`)
  for (const [name, values] of fields) {
    if (!required.includes(name) && !optional.includes(name))
      violations.push(`body: ${name} is not a field of the grant`)
    if (values.length !== 1 || values[0] === "")
      violations.push(`body: ${name} must be given once, not empty`)
  }
  return violations
}

/**
 * Checks a request against the official Ottu spec: route (method and path template, trailing
 * slash included), path/query/header parameters (undeclared query parameters are reported too)
 * and the body for its content type. Requests to Keycloak's token endpoint, which the spec does
 * not describe, are held to the OAuth 2 token request instead.
 *
 * @returns human readable violations; empty when the request conforms.
 */
export const validateRequest = async (req: ContractRequest): Promise<ReadonlyArray<string>> => {
  routes ??= loadRoutes()
  const all = await routes
  const url = new URL(req.url, "http://contract.invalid")
  const method = req.method.toUpperCase()
  const path = url.pathname
  if (keycloakTokenPath.test(path)) return checkTokenRequest(method, url, req.body)
  const candidates = all.filter((route) => route.pattern.test(path))
  const route = candidates.find((candidate) => candidate.operations.has(method))
  if (route === undefined) {
    if (candidates.length > 0) {
      const allowed = [...new Set(candidates.flatMap((c) => [...c.operations.keys()]))].join(", ")
      return [`method ${method} is not declared for ${path} (declared: ${allowed})`]
    }
    const hint = all.some((r) => r.pattern.test(`${path}/`)) ? " (missing trailing slash?)" : ""
    return [`path ${path} is not declared in the spec${hint}`]
  }
  const operation = route.operations.get(method) as Operation
  const match = route.pattern.exec(path) ?? []
  const pathValues = new Map<string, string>()
  const violations: Array<string> = []
  route.pathParams.forEach((name, index) => {
    const raw = match[index + 1] ?? ""
    try {
      pathValues.set(name, decodeURIComponent(raw))
    } catch {
      violations.push(`path parameter ${name}: malformed percent-encoding in ${raw}`)
    }
  })
  return [
    ...violations,
    ...checkParameters(operation, pathValues, url, req.headers),
    ...checkBody(operation, req.body),
  ]
}
