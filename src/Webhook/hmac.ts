/**
 * Synchronous HMAC-SHA256 of a message written piece by piece, and a constant-time comparison.
 *
 * Two engines, picked per runtime by measurement (`bench/webhook-verify.ts`):
 *
 * - Node (20.12 and later) and Bun: HMAC from two one-shot `crypto.hash` calls over the key's
 *   padded blocks (RFC 2104), the message written as UTF-8 straight after the inner key block.
 *   `createHmac` spends most of its time building its object, and a message joined as a string
 *   must be flattened before Bun hashes it.
 * - Deno, and Node before 20.12 (no `crypto.hash`): the plain TypeScript HMAC of `sha256.ts`.
 *   Deno's `node:crypto` goes through a compatibility layer and is about three times slower.
 *
 * Both encode text as UTF-8 (a lone surrogate becomes U+FFFD) and give the same lowercase hex;
 * the test suite checks them against `createHmac` on every runtime.
 *
 * @internal
 */
import * as crypto from "node:crypto"
import { hmacHex, hmacKey } from "./sha256.ts"

/** Receives a message piece by piece. */
export interface Writer {
  readonly write: (text: string) => void
}

/** Writes a whole message into the writer it is given. */
export type Build = (out: Writer) => void

const encoder = new TextEncoder()

/** Writes the pieces as UTF-8 into a buffer that grows when needed. */
const byteWriter = {
  bytes: new Uint8Array(4096),
  length: 0,
  write(text: string): void {
    let length = byteWriter.length
    if (byteWriter.bytes.length < length + text.length * 3) {
      const grown = new Uint8Array((length + text.length * 3) * 2)
      grown.set(byteWriter.bytes.subarray(0, length))
      byteWriter.bytes = grown
    }
    const bytes = byteWriter.bytes
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code > 0x7f) {
        length += encoder.encodeInto(text.slice(i), bytes.subarray(length)).written
        break
      }
      bytes[length++] = code
    }
    byteWriter.length = length
  },
}

/** `prefix` followed by the message `build` writes, as bytes (valid until the next call). */
const collectBytes = (prefix: Uint8Array, build: Build): Uint8Array => {
  byteWriter.bytes.set(prefix)
  byteWriter.length = prefix.length
  build(byteWriter)
  return byteWriter.bytes.subarray(0, byteWriter.length)
}

/** An HMAC-SHA256 function bound to one key: message in, lowercase hex out. */
type Mac = (build: Build) => string

/** The names of the engines. */
export type Engine = "crypto.hash" | "typescript"

/** Node's one-shot hash (Node 20.12 and later, Bun, Deno); undefined where it is missing. */
const hash = typeof crypto.hash === "function" ? crypto.hash : undefined

const noPrefix = new Uint8Array(0)

/** The engines by name; each binds a key once (its padded blocks, or their hashed states). */
export const engines: Readonly<Record<Engine, (key: string) => Mac>> = {
  /**
   * `H((key ⊕ opad) ‖ H((key ⊕ ipad) ‖ message))` as two one-shot hashes, the padded blocks
   * computed once (a key longer than a block is hashed first, as RFC 2104 says).
   */
  "crypto.hash": (key) => {
    const sha256 = hash as NonNullable<typeof hash>
    const bytes = encoder.encode(key)
    const block = new Uint8Array(64)
    block.set(bytes.length > 64 ? sha256("sha256", bytes, "buffer") : bytes)
    const inner = block.map((byte) => byte ^ 0x36)
    const outer = new Uint8Array(96)
    for (let i = 0; i < 64; i++) outer[i] = (block[i] as number) ^ 0x5c
    return (build) => {
      // A "binary" (latin1) string is cheaper to get from Node than a Buffer: a byte per character.
      const digest = sha256("sha256", collectBytes(inner, build), "binary")
      for (let i = 0; i < 32; i++) outer[64 + i] = digest.charCodeAt(i)
      return sha256("sha256", outer, "hex")
    }
  },
  typescript: (key) => {
    const prepared = hmacKey(encoder.encode(key))
    return (build) => hmacHex(prepared, collectBytes(noPrefix, build))
  },
}

/** The engine of the running runtime. */
export const engine: Engine =
  "Deno" in globalThis || hash === undefined ? "typescript" : "crypto.hash"

/** The last key used and its bound function: one webhook key per process is the common case. */
let last: { readonly key: string; readonly mac: Mac } | undefined

/** HMAC-SHA256 under `key` (as UTF-8) of the message `build` writes, in lowercase hex. */
export const hmacSha256Hex = (key: string, build: Build): string => {
  if (last?.key !== key) last = { key, mac: engines[engine](key) }
  return last.mac(build)
}

/**
 * Whether two strings are equal, in a time that depends on their length only (lengths are not
 * secret: a signature is always 64 characters).
 */
export const equalInConstantTime = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}
