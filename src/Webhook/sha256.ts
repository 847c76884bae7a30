/**
 * HMAC-SHA256 in plain TypeScript (FIPS 180-4, RFC 2104), synchronous. The key's two padded
 * blocks are hashed once by {@link hmacKey}, so each MAC costs only the message blocks plus one.
 *
 * @internal
 */

/** The round constants (the array wraps them to signed 32-bit words). */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

/** The initial hash value. */
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
])

const W = new Int32Array(64)

/** Mixes the 64-byte block at `offset` of `bytes` into the state `H`. */
const compress = (H: Int32Array, bytes: Uint8Array, offset: number): void => {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4
    W[i] =
      ((bytes[j] as number) << 24) |
      ((bytes[j + 1] as number) << 16) |
      ((bytes[j + 2] as number) << 8) |
      (bytes[j + 3] as number)
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15] as number
    const y = W[i - 2] as number
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0
  }
  let a = H[0] as number
  let b = H[1] as number
  let c = H[2] as number
  let d = H[3] as number
  let e = H[4] as number
  let f = H[5] as number
  let g = H[6] as number
  let h = H[7] as number
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (W[i] as number)) | 0
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  H[0] = ((H[0] as number) + a) | 0
  H[1] = ((H[1] as number) + b) | 0
  H[2] = ((H[2] as number) + c) | 0
  H[3] = ((H[3] as number) + d) | 0
  H[4] = ((H[4] as number) + e) | 0
  H[5] = ((H[5] as number) + f) | 0
  H[6] = ((H[6] as number) + g) | 0
  H[7] = ((H[7] as number) + h) | 0
}

/** Scratch space for a message and its padding; grows when a message needs more. */
let scratch = new Uint8Array(4096)

/** Copies `message` to the start of the scratch buffer, leaving room for the padding. */
const load = (message: Uint8Array): number => {
  if (scratch.length < message.length + 72) scratch = new Uint8Array((message.length + 72) * 2)
  scratch.set(message)
  return message.length
}

/**
 * Finishes a hash whose state `H` has absorbed `before` bytes (a multiple of 64): appends the
 * padding after the `length` bytes at the start of the scratch buffer and mixes everything in.
 */
const finish = (H: Int32Array, length: number, before: number): void => {
  const bytes = scratch
  let end = length
  bytes[end++] = 0x80
  while (end % 64 !== 56) bytes[end++] = 0
  const bits = (before + length) * 8
  const high = Math.floor(bits / 0x100000000)
  bytes[end++] = high >>> 24
  bytes[end++] = (high >>> 16) & 0xff
  bytes[end++] = (high >>> 8) & 0xff
  bytes[end++] = high & 0xff
  bytes[end++] = bits >>> 24
  bytes[end++] = (bits >>> 16) & 0xff
  bytes[end++] = (bits >>> 8) & 0xff
  bytes[end++] = bits & 0xff
  for (let offset = 0; offset < end; offset += 64) compress(H, bytes, offset)
}

/** Writes the state words big-endian at the start of the scratch buffer. */
const writeState = (H: Int32Array): void => {
  for (let i = 0; i < 8; i++) {
    const word = H[i] as number
    scratch[i * 4] = word >>> 24
    scratch[i * 4 + 1] = (word >>> 16) & 0xff
    scratch[i * 4 + 2] = (word >>> 8) & 0xff
    scratch[i * 4 + 3] = word & 0xff
  }
}

/** A key made ready for {@link hmacHex}: the states after its inner and outer padded blocks. */
export interface HmacKey {
  readonly inner: Int32Array
  readonly outer: Int32Array
}

/** Hashes the key's padded blocks (a key longer than 64 bytes is hashed first, as RFC 2104 says). */
export const hmacKey = (key: Uint8Array): HmacKey => {
  let bytes = key
  if (bytes.length > 64) {
    const H = IV.slice()
    finish(H, load(key), 0)
    writeState(H)
    bytes = scratch.slice(0, 32)
  }
  const block = new Uint8Array(64)
  const pad = (value: number): Int32Array => {
    for (let i = 0; i < 64; i++) block[i] = (bytes[i] ?? 0) ^ value
    const H = IV.slice()
    compress(H, block, 0)
    return H
  }
  return { inner: pad(0x36), outer: pad(0x5c) }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))
const state = new Int32Array(8)

/** The HMAC-SHA256 of `message` under a prepared key, in lowercase hex. */
export const hmacHex = (key: HmacKey, message: Uint8Array): string => {
  state.set(key.inner)
  finish(state, load(message), 64)
  writeState(state)
  state.set(key.outer)
  finish(state, 32, 64)
  let hex = ""
  for (let i = 0; i < 8; i++) {
    const word = state[i] as number
    hex +=
      (HEX[word >>> 24] as string) +
      (HEX[(word >>> 16) & 0xff] as string) +
      (HEX[(word >>> 8) & 0xff] as string) +
      (HEX[word & 0xff] as string)
  }
  return hex
}
