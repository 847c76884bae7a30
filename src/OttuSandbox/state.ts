/**
 * What a sandbox instance remembers and how routes reach it: sessions with their payment
 * attempts and child transactions, saved cards, the log of events that would become webhooks,
 * the `SandboxState` holding them in one `Ref` per instance, and `SandboxEnv`, the per-instance
 * context (host, API key, options, state) that every route reads.
 *
 * @internal
 */

import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type { Courier } from "./delivery.ts"
import type { Plugin } from "./gateways.ts"
import type { Realm } from "./keycloak.ts"
import type { AttemptOutcome, CheckoutState, ExternalOperation } from "./lifecycle.ts"
import type { OperationPayload, PaymentPayload } from "./payloads.ts"
import { detail, Reply } from "./reply.ts"
import type { ReportsState } from "./reports.ts"
import type { WalletState } from "./wallet.ts"

/** The values of a checkout's `payment_type`. */
export const paymentTypes = ["one_off", "auto_debit", "save_card"] as const

/** The values of a checkout's `language`. */
export const languages = ["en", "ar"] as const

/**
 * The writable fields of a session as the sandbox accepted them: validated, with `amount` already
 * formatted to the currency's decimals, defaults filled in, and every other field (unknown ones
 * included) kept as sent. An uploaded `attachment` is held as its file name.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckoutInput extends Readonly<Record<string, unknown>> {
  readonly type: Plugin
  readonly amount: string
  readonly currency_code: string
  readonly pg_codes: ReadonlyArray<string>
  readonly payment_type: (typeof paymentTypes)[number]
  readonly language: (typeof languages)[number]
  readonly expiration_time: string
}

/**
 * One payment attempt on a session: the gateway, its outcome, its reference number, when it
 * happened (epoch milliseconds of the sandbox's `Clock`) and the saved card it stored or charged.
 *
 * @since 0.1.0
 * @category models
 */
export interface Attempt {
  readonly pg_code: string
  readonly outcome: AttemptOutcome
  readonly reference_number: string
  readonly at: number
  readonly token: string | undefined
}

/**
 * A child transaction, created by a successful capture (`paid`), refund (`refunded`) or void
 * (`voided`). Its amount is in minor units; `requested` is the amount the request named (none
 * for "the whole remaining amount"), kept with the `Tracking-Key` to recognise a replay.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChildTransaction {
  readonly session_id: string
  readonly operation: ExternalOperation
  readonly state: "paid" | "refunded" | "voided"
  readonly amount: bigint
  readonly requested: bigint | undefined
  readonly reference_number: string
  readonly tracking_key: string | undefined
  readonly at: number
}

/**
 * One checkout session held by the sandbox: its state, its checkout fields, when it was created
 * (epoch milliseconds), its payment attempts and child transactions (oldest first), the times of
 * the status queries it answered, and whether it was soft-deleted.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxSession {
  readonly session_id: string
  readonly state: CheckoutState
  readonly checkout: CheckoutInput
  readonly created_at: number
  readonly attempts: ReadonlyArray<Attempt>
  readonly transactions: ReadonlyArray<ChildTransaction>
  readonly inquiries: ReadonlyArray<number>
  readonly deleted: boolean
}

/**
 * A card saved by a payment on a tokenizable gateway, with the agreements it is bound to.
 *
 * @since 0.1.0
 * @category models
 */
export interface SavedCard {
  readonly token: string
  readonly customer_id: string
  readonly pg_code: string
  readonly agreements: ReadonlyArray<string>
  readonly brand: string
  readonly last4: string
  readonly name_on_card: string | null
  readonly expiry_month: string
  readonly expiry_year: string
}

/**
 * An event that Ottu would deliver as a webhook, kept as plain data: a payment event (after a
 * payment attempt, or a status query asked to notify) or an operation event (after a capture,
 * refund or void), with the URL it would go to (`null` when the session has none).
 *
 * @since 0.1.0
 * @category models
 */
export type SandboxEvent =
  | {
      readonly kind: "payment"
      readonly session_id: string
      readonly webhook_url: string | null
      readonly payload: PaymentPayload
    }
  | {
      readonly kind: "operation"
      readonly session_id: string
      readonly webhook_url: string | null
      readonly payload: OperationPayload
    }

/**
 * A notification the sandbox sent (it only logs it): a transaction's own notification re-sent
 * through `message-notification/` (`kind: "transaction"`, with the event it was about), or a
 * template sent through `send-notification/` or `notifications/send/{channel}/`
 * (`kind: "template"`). `to` is the phone number or e-mail address it went to; `at` is epoch
 * milliseconds of the sandbox's `Clock`.
 *
 * @since 0.1.0
 * @category models
 */
export type SandboxNotification =
  | {
      readonly kind: "transaction"
      readonly channel: "sms" | "email" | "whatsapp"
      readonly to: string
      readonly session_id: string
      readonly event: string
      readonly at: number
    }
  | {
      readonly kind: "template"
      readonly channel: "sms" | "email" | "whatsapp"
      readonly to: string
      readonly template_id: string
      readonly language: "en" | "ar"
      readonly context: unknown
      readonly at: number
    }

/**
 * Everything a sandbox instance remembers. It lives in one `Ref`. `cards`, `events` and
 * `notifications` are oldest first; `inquiries` holds the times of the status queries of the last minute, for the
 * global throttle.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxState {
  readonly sessions: HashMap.HashMap<string, SandboxSession>
  readonly cards: ReadonlyArray<SavedCard>
  readonly events: ReadonlyArray<SandboxEvent>
  readonly notifications: ReadonlyArray<SandboxNotification>
  readonly inquiries: ReadonlyArray<number>
  readonly reports: ReportsState
  readonly wallet: WalletState
}

/**
 * What the routes of one instance read: its host, its key, its Keycloak realm, its options, its
 * state, and the courier that delivers its webhooks.
 */
export interface Env {
  readonly host: string
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly keycloak: Realm | undefined
  readonly inquiryThrottling: boolean
  readonly state: Ref.Ref<SandboxState>
  readonly courier: Courier
}

/** The instance a route runs in, provided once per sandbox by its web handler. */
export class SandboxEnv extends Context.Tag("effect-ottu/OttuSandbox/SandboxEnv")<
  SandboxEnv,
  Env
>() {}

/** A fresh, empty state. */
export const makeState: Effect.Effect<Ref.Ref<SandboxState>> = Ref.make<SandboxState>({
  sessions: HashMap.empty(),
  cards: [],
  events: [],
  notifications: [],
  inquiries: [],
  reports: { files: [], tokens: [], storage: [], downloads: [] },
  wallet: { accounts: [], entries: [], operations: [], seq: 0 },
})

/** A session just created: no attempt, no child transaction, no query. */
export const newSession = (
  session_id: string,
  checkout: CheckoutInput,
  created_at: number,
): SandboxSession => ({
  session_id,
  state: "created",
  checkout,
  created_at,
  attempts: [],
  transactions: [],
  inquiries: [],
  deleted: false,
})

/** The URL a session's webhooks go to, `null` when it has none. */
export const webhookUrlOf = (session: SandboxSession): string | null =>
  typeof session.checkout.webhook_url === "string" ? session.checkout.webhook_url : null

/** The state with `event` appended to its log. */
export const withEvent = (state: SandboxState, event: SandboxEvent): SandboxState => ({
  ...state,
  events: [...state.events, event],
})

/** The session with this id, if the instance has one. */
export const findSession = (
  sessionId: string,
): Effect.Effect<Option.Option<SandboxSession>, never, SandboxEnv> =>
  Effect.flatMap(SandboxEnv, (env) =>
    Effect.map(Ref.get(env.state), (state) => HashMap.get(state.sessions, sessionId)),
  )

/** The state with `session` stored, replacing the one with the same id. */
export const withSession = (state: SandboxState, session: SandboxSession): SandboxState => ({
  ...state,
  sessions: HashMap.set(state.sessions, session.session_id, session),
})

/** Stores a session, replacing the one with the same id. */
export const saveSession = (session: SandboxSession): Effect.Effect<void, never, SandboxEnv> =>
  Effect.flatMap(SandboxEnv, (env) => Ref.update(env.state, (state) => withSession(state, session)))

/**
 * Applies a transition to a state `Ref` atomically: `transition` answers the result and the next
 * state, or a refusal, which leaves the state as it was. Concurrent requests therefore never act
 * on the same money twice.
 */
export const modifyState = <A, E>(
  ref: Ref.Ref<SandboxState>,
  transition: (state: SandboxState) => Either.Either<readonly [A, SandboxState], E>,
): Effect.Effect<A, E> =>
  Effect.flatMap(
    Ref.modify(ref, (state): readonly [Either.Either<A, E>, SandboxState] =>
      Either.match(transition(state), {
        onLeft: (refusal) => [Either.left(refusal), state],
        onRight: ([result, next]) => [Either.right(result), next],
      }),
    ),
    Either.match({ onLeft: Effect.fail, onRight: Effect.succeed }),
  )

/** {@link modifyState} on the state of the instance a route runs in. */
export const transact = <A, E>(
  transition: (state: SandboxState) => Either.Either<readonly [A, SandboxState], E>,
): Effect.Effect<A, E, SandboxEnv> =>
  Effect.flatMap(SandboxEnv, (env) => modifyState(env.state, transition))

/** How a request names a transaction: by `session_id`, by `order_no`, or both. */
export interface Target {
  readonly session_id?: string
  readonly order_no?: string
}

/** Reads the identifiers of a validated body (the rules guarantee they are strings). */
export const targetOf = (fields: Readonly<Record<string, unknown>>): Target => ({
  ...(typeof fields.session_id === "string" ? { session_id: fields.session_id } : {}),
  ...(typeof fields.order_no === "string" ? { order_no: fields.order_no } : {}),
})

/** The 400 answer when a body names no transaction at all. */
export const missingTarget: Reply = new Reply({
  status: 400,
  body: { non_field_errors: ["Either `session_id` or `order_no` must be provided."] },
})

/**
 * The session a request names. Every identifier given must match (as a filter would), so a
 * `session_id` and an `order_no` of different sessions find nothing (404). An `order_no` shared by
 * several sessions is refused with `ambiguous`, a 400 in the endpoint's failure shape, rather
 * than acting on a guess.
 */
export const findTarget = (
  state: SandboxState,
  target: Target,
  ambiguous: (message: string) => Reply,
): Either.Either<SandboxSession, Reply> => {
  const matches = (session: SandboxSession) =>
    (target.session_id === undefined || session.session_id === target.session_id) &&
    (target.order_no === undefined || session.checkout.order_no === target.order_no)
  const found =
    target.session_id === undefined
      ? Array.from(HashMap.values(state.sessions)).filter(matches)
      : Option.toArray(HashMap.get(state.sessions, target.session_id)).filter(matches)
  const [session, ...others] = found
  if (session === undefined) return Either.left(detail(404, "Not found."))
  if (others.length > 0) {
    return Either.left(
      ambiguous(
        `More than one payment transaction has order_no ${target.order_no}; name it by session_id.`,
      ),
    )
  }
  return Either.right(session)
}
