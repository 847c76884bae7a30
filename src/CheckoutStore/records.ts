/**
 * The store's rules as pure functions, shared by the memory and SQL stores: what a document says
 * about a checkout, how it merges into the stored one (the ordering rule), and how a webhook
 * event is identified.
 *
 * @internal
 */
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Webhook from "../Webhook.ts"
import type { SavedToken, StoredCheckout } from "./model.ts"
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

/** A webhook event's body as Ottu sent it: the decoded event without the `_tag` it was given. */
export const eventPayload = (event: Webhook.Event): Readonly<Record<string, unknown>> => {
  const { _tag, ...payload } = event
  return payload
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
 * The identity of a webhook event: the lowercase hex SHA-256 of its payload as canonical JSON
 * (keys sorted, `signature` and `timestamp_utc` included). Ottu's retries of one delivery carry
 * the same body and so the same key; a new notification (new `timestamp_utc`) is a new event.
 */
export const eventKey = (payload: Readonly<Record<string, unknown>>): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() =>
      crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(payload))),
    ),
    (digest) =>
      Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join(""),
  )
