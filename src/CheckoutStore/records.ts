/**
 * The store's rules as pure functions, shared by the memory and SQL stores: what a document says
 * about a checkout, what a webhook event may say given the scheme that signed it, the
 * cross-checks an event must pass, how a document merges into the stored checkout (the ordering
 * rule), and how a webhook event is identified.
 *
 * @internal
 */
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Webhook from "../Webhook.ts"
import type { Outcome, RecordOptions, SavedToken, StoredCheckout } from "./model.ts"
import { accepts } from "./ordering.ts"

/** The columns a document fills; absent, `null` and `""` say nothing. */
const detailKeys = [
  "type",
  "payment_type",
  "amount",
  "currency_code",
  "customer_id",
  "order_no",
  "agreement_id",
] as const

type Details = { readonly [K in (typeof detailKeys)[number]]: string | null }

/** What one document (a checkout answer, a payment payload or event) says about its checkout. */
export interface Facts extends Details {
  readonly session_id: string
  readonly state: string | null
  readonly token: Omit<SavedToken, "saved_at"> | null
  readonly payload: Readonly<Record<string, unknown>>
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A text field: strings as they are, numbers (amounts Ottu sent as JSON numbers) as text. */
const text = (value: unknown): string | null =>
  typeof value === "string"
    ? value === ""
      ? null
      : value
    : typeof value === "number"
      ? String(value)
      : null

/** The facts of a document about the checkout `sessionId`. */
export const factsOf = (sessionId: string, document: Readonly<Record<string, unknown>>): Facts => {
  const token = isRecord(document.token) ? text(document.token.token) : null
  return {
    session_id: sessionId,
    state: text(document.state),
    type: text(document.type),
    payment_type: text(document.payment_type),
    amount: text(document.amount),
    currency_code: text(document.currency_code),
    customer_id: text(document.customer_id),
    order_no: text(document.order_no),
    agreement_id: isRecord(document.agreement) ? text(document.agreement.id) : null,
    token:
      token === null || !isRecord(document.token)
        ? null
        : { token, pg_code: text(document.token.pg_code) },
    payload: document,
  }
}

/** The card a webhook event carries (`token.token`, `token.pg_code`), signed or not; null when none. */
export const eventCard = (event: Webhook.Event): Facts["token"] =>
  factsOf(event.session_id, eventPayload(event)).token

/** A webhook event's body as Ottu sent it: the decoded event without the `_tag` it was given. */
export const eventPayload = (event: Webhook.Event): Readonly<Record<string, unknown>> => {
  const { _tag, ...payload } = event
  return payload
}

/**
 * What a webhook event may say about its checkout: only what the scheme that signed it covers.
 *
 * - `standard`: the state, amount, currency and order number (signed); nothing of `type`,
 *   `payment_type`, `customer_id`, `agreement` or `token`, which are not signed.
 * - `subscription`: besides, `payment_type`, `agreement.id` and the card (`token.token`,
 *   `token.pg_code`), whose owner is the signed `token.customer_id` (the top-level
 *   `customer_id` is not signed).
 */
export const eventFacts = (event: Webhook.Event, scheme: Webhook.Scheme): Facts => {
  const payload = eventPayload(event)
  const all = factsOf(event.session_id, payload)
  const unsigned = { type: null, customer_id: null, payment_type: null, agreement_id: null }
  if (scheme === "standard") return { ...all, ...unsigned, token: null }
  const owner = isRecord(payload.token) ? text(payload.token.customer_id) : null
  return { ...all, type: null, customer_id: owner }
}

/** A non-negative decimal string as an integer and its scale (`"10.50"` is `1050n`, 2). */
const decimal = (
  value: string | null,
): { readonly units: bigint; readonly scale: number } | null => {
  const match = value === null ? null : /^(\d+)(?:\.(\d+))?$/.exec(value)
  if (match === null) return null
  const fraction = match[2] ?? ""
  return { units: BigInt(`${match[1]}${fraction}`), scale: fraction.length }
}

/** `a` compared with `b` as decimals (`"10.000"` equals `"10"`): -1, 0 or 1; null when either is not one. */
const compareDecimals = (a: string | null, b: string | null): -1 | 0 | 1 | null => {
  const x = decimal(a)
  const y = decimal(b)
  if (x === null || y === null) return null
  const scale = Math.max(x.scale, y.scale)
  const left = x.units * 10n ** BigInt(scale - x.scale)
  const right = y.units * 10n ** BigInt(scale - y.scale)
  return left < right ? -1 : left > right ? 1 : 0
}

/** The signed fields the cross-checks compare. */
type Checked = Pick<Details, "order_no" | "amount" | "currency_code">

/**
 * Why a webhook event cannot be about the checkout `reference` (the stored one, or Ottu's
 * answer in confirm mode), or undefined when it passes the cross-checks. Absent, `null` and
 * `""` are all "no value", and a value on one side only is a mismatch.
 *
 * - A payment event's `order_no`, `currency_code` and `amount` must be the checkout's (amounts
 *   as decimals: `"10.000"` = `"10"` = `10.0`).
 * - An operation event's `order_no` must be the parent's; its `amount` (the operation's, which
 *   may be partial) must be a positive decimal no larger than the parent's amount; its
 *   `currency_code`, which Ottu does not send for operations, must be the parent's if present.
 */
export const mismatch = (event: Webhook.Event, reference: Checked): string | undefined => {
  const sent = factsOf(event.session_id, eventPayload(event))
  if (sent.order_no !== reference.order_no) return "order_no differs from the checkout's"
  if (event._tag === "PaymentEvent") {
    if (sent.currency_code !== reference.currency_code) {
      return "currency_code differs from the checkout's"
    }
    if (sent.amount !== reference.amount && compareDecimals(sent.amount, reference.amount) !== 0) {
      return "amount differs from the checkout's"
    }
    return undefined
  }
  if (sent.currency_code !== null && sent.currency_code !== reference.currency_code) {
    return "currency_code differs from the parent checkout's"
  }
  const zero = compareDecimals(sent.amount, "0")
  const parent = compareDecimals(sent.amount, reference.amount)
  if (zero !== 1 || parent === null || parent === 1) {
    return "amount is not a positive amount within the parent checkout's"
  }
  return undefined
}

/** The result of merging a document into a checkout. */
export interface Merged {
  readonly checkout: StoredCheckout
  /** Whether the document's state could follow the stored one (or there was none). */
  readonly accepted: boolean
  /** Whether anything changed, so the checkout must be written. */
  readonly changed: boolean
}

/**
 * Merges a document into the stored checkout (`null`: there is none yet) at `now`.
 *
 * - **Accepted** (its state can follow the stored one, see `ordering.ts`, or it has no state):
 *   every column it fills takes its value, the others keep theirs; the payload becomes this
 *   document; the revision goes up.
 * - **Stale** (it cannot): state, amount and payload stay; only columns still empty take its
 *   values, so a late webhook still brings the saved card it carries.
 *
 * A token is new when its value differs from the stored one; it then gets `saved_at = now`, which
 * orders the "latest token" lookup.
 */
export const merge = (current: StoredCheckout | null, facts: Facts, now: DateTime.Utc): Merged => {
  const token = (keep: SavedToken | null): SavedToken | null =>
    facts.token === null || facts.token.token === keep?.token
      ? keep
      : { ...facts.token, saved_at: now }
  if (current === null) {
    const checkout: StoredCheckout = {
      session_id: facts.session_id,
      ...pickDetails(facts, null),
      state: facts.state,
      token: token(null),
      payload: facts.payload,
      revision: 1,
      created_at: now,
      updated_at: now,
    }
    return { checkout, accepted: true, changed: true }
  }
  const accepted = facts.state === null || accepts(current.state, facts.state)
  if (accepted) {
    const checkout: StoredCheckout = {
      ...current,
      ...pickDetails(facts, current),
      state: facts.state ?? current.state,
      token: token(current.token),
      payload: facts.payload,
      revision: current.revision + 1,
      updated_at: now,
    }
    return { checkout, accepted, changed: true }
  }
  const filled: StoredCheckout = {
    ...current,
    ...pickDetails(current, facts),
    token: current.token ?? token(null),
  }
  const changed =
    filled.token !== current.token || detailKeys.some((key) => filled[key] !== current[key])
  return {
    checkout: changed ? { ...filled, revision: current.revision + 1, updated_at: now } : current,
    accepted,
    changed,
  }
}

/** Each detail from `first`, or from `second` where `first` says nothing. */
const pickDetails = (first: Details, second: Details | null): Details => {
  const out: Record<string, string | null> = {}
  for (const key of detailKeys) out[key] = first[key] ?? second?.[key] ?? null
  return out as unknown as Details
}

/** What decides how far an event is trusted: its signing scheme, and Ottu's answer if confirmed. */
export type Trust = Pick<RecordOptions<never, never>, "scheme" | "confirmed">

/** What the store does with a webhook event, decided before anything is written. */
export interface Decision {
  readonly outcome: Exclude<Outcome, "duplicate">
  /** Why the event was refused; null otherwise. */
  readonly reason: string | null
  /** The checkout after the event, when the event changes it (created, applied or stale). */
  readonly merged: Merged | undefined
}

const refused = (reason: string): Decision => ({ outcome: "refused", reason, merged: undefined })

const applying = (merged: Merged): Decision => ({
  outcome: merged.accepted ? "applied" : "stale",
  reason: null,
  merged,
})

/**
 * What to do with a verified webhook event, given the stored checkout of its session (`null`:
 * none) at `now` (see `CheckoutStore` on trust):
 *
 * - confirmed (`options.confirmed`): Ottu's answer is applied, with the card it confirmed, once
 *   the event passes the cross-checks against that answer; a session Ottu does not know is
 *   refused;
 * - otherwise the event must pass the cross-checks against the stored checkout. A session the
 *   store does not know is refused, except for a payment event signed with the subscription
 *   scheme (which signs `session_id`), which creates its checkout. A payment event applies what
 *   its scheme signs ({@link eventFacts}); an operation event is recorded only.
 */
export const decide = (
  event: Webhook.Event,
  options: Trust,
  current: StoredCheckout | null,
  now: DateTime.Utc,
): Decision => {
  const confirmed = options.confirmed
  if (confirmed !== undefined) {
    if (confirmed.unanswered !== undefined) {
      return refused(`Ottu could not be asked about this session (${confirmed.unanswered})`)
    }
    if (confirmed.checkout === null) return refused("Ottu does not know this session")
    const reason = mismatch(event, factsOf(event.session_id, confirmed.checkout))
    if (reason !== undefined) return refused(reason)
    const facts = { ...factsOf(event.session_id, confirmed.checkout), token: confirmed.token }
    return applying(merge(current, facts, now))
  }
  const scheme = options.scheme ?? "standard"
  if (current === null) {
    if (event._tag === "OperationEvent" || scheme === "standard") {
      return refused("no checkout with this session id is stored")
    }
  } else {
    const reason = mismatch(event, current)
    if (reason !== undefined) return refused(reason)
  }
  if (event._tag === "OperationEvent") {
    return { outcome: "recorded", reason: null, merged: undefined }
  }
  return applying(merge(current, eventFacts(event, scheme), now))
}

/** JSON with object keys sorted at every level: the same event always gives the same text. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (isRecord(value)) {
    const fields = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
    return `{${fields.join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

/**
 * The identity of a webhook event: the lowercase hex SHA-256 of its kind, its session id and its
 * signature (an HMAC of the signed fields), so that a replay changing only unsigned fields
 * (`timestamp_utc`, junk fields) is the same event. An event without a signature (one built by
 * hand, never one the receiver verified) is identified by its whole payload as canonical JSON.
 */
export const eventKey = (event: Webhook.Event): Effect.Effect<string> => {
  const kind = event._tag === "PaymentEvent" ? "payment" : "operation"
  const identity =
    typeof event.signature === "string" && event.signature !== ""
      ? event.signature
      : canonicalJson(eventPayload(event))
  return Effect.map(
    Effect.promise(() =>
      crypto.subtle.digest(
        "SHA-256",
        new TextEncoder().encode(`${kind}\n${event.session_id}\n${identity}`),
      ),
    ),
    (digest) =>
      Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join(""),
  )
}
