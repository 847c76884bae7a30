/**
 * The identifiers the sandbox makes up, each in the form Ottu uses: session ids (40 hex digits,
 * like a SHA-1), attempt and operation reference numbers, 16-digit card tokens, and Keycloak
 * access tokens. All come
 * from `crypto.getRandomValues`.
 *
 * @internal
 */

const randomBytes = (count: number): Uint8Array => crypto.getRandomValues(new Uint8Array(count))

/** A session id: 40 lower-case hex digits, like Ottu's SHA-1 session ids. */
export const sessionId = (): string =>
  Array.from(randomBytes(20), (byte) => byte.toString(16).padStart(2, "0")).join("")

const referenceAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

/** A reference number of a payment attempt or an operation, as `sandboxK7Q2M9`. */
export const referenceNumber = (): string =>
  `sandbox${Array.from(randomBytes(6), (byte) => referenceAlphabet[byte % referenceAlphabet.length]).join("")}`

/** A card token: 16 digits, the first not zero (Ottu's look like `9923965822244314`). */
export const cardToken = (): string =>
  Array.from(randomBytes(16), (byte, index) => (index === 0 ? 1 + (byte % 9) : byte % 10)).join("")

/** A Keycloak access token: opaque to the SDK, 32 random bytes in base64url. */
export const accessToken = (): string =>
  btoa(String.fromCharCode(...randomBytes(32)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "")
