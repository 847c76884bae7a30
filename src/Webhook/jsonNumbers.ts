/**
 * The source text of the numbers in a JSON object, by dotted path (`amount`, `token.token`).
 * `JSON.parse` turns `86.000` and `86` into the same number, while Python reads the first as a
 * float; the literal tells them apart.
 *
 * @internal
 */

interface Container {
  /** An object (whose members have paths) or an array (whose items have none). */
  readonly object: boolean
  /** The container's own dotted path; undefined when it cannot be reached by a dotted path. */
  readonly path: string | undefined
}

const isNumberStart = (code: number): boolean => code === 0x2d || (code >= 0x30 && code <= 0x39)
const isNumberPart = (code: number): boolean =>
  isNumberStart(code) || code === 0x2b || code === 0x2e || code === 0x45 || code === 0x65

/** The index just past the string literal that opens at `start`. */
const endOfString = (text: string, start: number): number => {
  let i = start + 1
  for (;;) {
    const code = text.charCodeAt(i)
    if (code === 0x22 || Number.isNaN(code)) return i + 1
    i += code === 0x5c ? 2 : 1
  }
}

/**
 * Maps the dotted path of every number member reachable through objects only (not through
 * arrays, nor through keys that contain a dot) to its literal. With duplicate keys the last
 * one wins, as in `JSON.parse` and Python's `json.loads`. `text` must be valid JSON.
 */
export const numberLiterals = (text: string): ReadonlyMap<string, string> => {
  const literals = new Map<string, string>()
  const stack: Array<Container> = []
  let key: string | undefined
  let expectKey = false
  const memberPath = (): string | undefined => {
    const parent = stack[stack.length - 1]
    if (parent?.object !== true || parent.path === undefined || key === undefined) return undefined
    if (key.includes(".")) return undefined
    return parent.path === "" ? key : `${parent.path}.${key}`
  }
  let i = 0
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === 0x7b) {
      stack.push({ object: true, path: stack.length === 0 ? "" : memberPath() })
      expectKey = true
      i++
    } else if (code === 0x5b) {
      stack.push({ object: false, path: undefined })
      i++
    } else if (code === 0x7d || code === 0x5d) {
      stack.pop()
      i++
    } else if (code === 0x2c) {
      expectKey = stack[stack.length - 1]?.object === true
      i++
    } else if (code === 0x3a) {
      expectKey = false
      i++
    } else if (code === 0x22) {
      const end = endOfString(text, i)
      if (expectKey) key = JSON.parse(text.slice(i, end)) as string
      i = end
    } else if (isNumberStart(code)) {
      const start = i
      while (i < text.length && isNumberPart(text.charCodeAt(i))) i++
      const path = memberPath()
      if (path !== undefined) literals.set(path, text.slice(start, i))
    } else {
      i++
    }
  }
  return literals
}
