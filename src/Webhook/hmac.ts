/**
 * HMAC-SHA256 through `node:crypto` (which Node, Bun and Deno all provide), and a constant-time
 * comparison of signatures.
 *
 * @internal
 */
import { Buffer } from "node:buffer"
import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * HMAC-SHA256 under `key` of `message`, both encoded as UTF-8 (a lone surrogate becomes U+FFFD),
 * in lowercase hex.
 */
export const hmacSha256Hex = (key: string, message: string): string =>
  createHmac("sha256", key).update(message, "utf8").digest("hex")

/**
 * Whether two strings are equal, compared as UTF-8 bytes with `timingSafeEqual`: the time depends
 * on their lengths only (lengths are not secret: a signature is always 64 characters).
 */
export const equalInConstantTime = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "utf8")
  const right = Buffer.from(b, "utf8")
  return left.length === right.length && timingSafeEqual(left, right)
}
