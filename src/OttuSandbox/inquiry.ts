/**
 * The payment status query (`POST /b/pbl/v2/inquiry/`, API reference §8): the payment payload of
 * the session, for the states that allow an inquiry and for `paid` and `authorized` (answered
 * directly), with Ottu's throttling read from the `Clock`:
 *
 * * per transaction (400 `{detail, result: "failed"}`): no query in the 10 minutes after the
 *   transaction was created, none within 30 minutes of the last answered one, and at most 3
 *   answered in 24 hours;
 * * across all transactions (429 with `Retry-After`, DRF's throttle message): at most 30 requests
 *   a minute.
 *
 * Asked to (`notify_webhook_url`, `webhook_url`), it logs the payment events Ottu would send.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { boolean, text, urlOf } from "./checks.ts"
import { allows } from "./lifecycle.ts"
import { type PaymentPayload, paymentPayload } from "./payloads.ts"
import { failed, json, Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, type Rules, validated } from "./rules.ts"
import {
  findTarget,
  missingTarget,
  SandboxEnv,
  type SandboxEvent,
  type SandboxSession,
  type SandboxState,
  type Target,
  targetOf,
  transact,
  webhookUrlOf,
  withSession,
} from "./state.ts"

const inquiryRules: Rules = {
  session_id: field(text(128)),
  order_no: field(text(128)),
  notify_webhook_url: field(boolean),
  webhook_url: field(urlOf(200)),
}

const inquiryLists = listFieldsOf(inquiryRules)

const gracePeriod = Duration.toMillis("10 minutes")
const spacing = Duration.toMillis("30 minutes")
const day = Duration.toMillis("24 hours")
const perDay = 3
const minute = Duration.toMillis("1 minute")
const perMinute = 30

/** Whole seconds from `now` until `instant`, at least one. */
const secondsUntil = (instant: number, now: number): number =>
  Math.max(1, Math.ceil((instant - now) / 1000))

/**
 * The global throttle, as DRF's: counts the requests of the last minute and answers 429 with
 * `Retry-After` once 30 were let through.
 */
const throttle =
  (now: number) =>
  (state: SandboxState): Either.Either<readonly [undefined, SandboxState], Reply> => {
    const recent = state.inquiries.filter((instant) => instant > now - minute)
    const [oldest] = recent
    if (oldest !== undefined && recent.length >= perMinute) {
      const wait = secondsUntil(oldest + minute, now)
      return Either.left(
        new Reply({
          status: 429,
          body: {
            detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? "" : "s"}.`,
          },
          headers: { "retry-after": String(wait) },
        }),
      )
    }
    return Either.right([undefined, { ...state, inquiries: [...recent, now] }])
  }

/** Why a transaction cannot be queried yet, if it cannot (§8, rules 1–4). */
const transactionThrottle = (session: SandboxSession, now: number): Reply | undefined => {
  if (now - session.created_at < gracePeriod) {
    return failed(
      `The payment transaction was created less than 10 minutes ago; query it again in ${secondsUntil(session.created_at + gracePeriod, now)} seconds.`,
    )
  }
  const last = session.inquiries.at(-1)
  if (last !== undefined && now - last < spacing) {
    return failed(
      `The payment transaction was queried less than 30 minutes ago; query it again in ${secondsUntil(last + spacing, now)} seconds.`,
    )
  }
  const today = session.inquiries.filter((instant) => instant > now - day)
  const [first] = today
  if (first !== undefined && today.length >= perDay) {
    return failed(
      `The payment transaction was already queried ${perDay} times in 24 hours; query it again in ${secondsUntil(first + day, now)} seconds.`,
    )
  }
  return undefined
}

/** A validated status query. */
interface InquiryRequest {
  readonly target: Target
  readonly notify: boolean
  readonly webhookUrl: string | undefined
}

/** The payment events a query asks for: to the session's URL, to another URL, or both. */
const notifications = (
  session: SandboxSession,
  request: InquiryRequest,
  payload: PaymentPayload,
): ReadonlyArray<SandboxEvent> =>
  [
    ...(request.notify ? [webhookUrlOf(session)] : []),
    ...(request.webhookUrl === undefined ? [] : [request.webhookUrl]),
  ].map((webhook_url) => ({
    kind: "payment",
    session_id: session.session_id,
    webhook_url,
    payload,
  }))

/** The transition of one status query. */
const inquire =
  (request: InquiryRequest, now: number, throttled: boolean) =>
  (state: SandboxState): Either.Either<readonly [PaymentPayload, SandboxState], Reply> =>
    Either.gen(function* () {
      const session = yield* findTarget(state, request.target, failed)
      const direct = session.state === "paid" || session.state === "authorized"
      if (!direct && !allows(session.state, "inquiry")) {
        return yield* Either.left(
          failed(`Cannot query the status of a payment transaction in the ${session.state} state.`),
        )
      }
      const refusal = throttled ? transactionThrottle(session, now) : undefined
      if (refusal !== undefined) return yield* Either.left(refusal)
      const queried = { ...session, inquiries: [...session.inquiries, now] }
      const payload = paymentPayload(queried, state.cards, now)
      const next = withSession(state, queried)
      return [
        payload,
        { ...next, events: [...next.events, ...notifications(queried, request, payload)] },
      ] as const
    })

/** POST: the payment payload of the session the body names. */
export const queryStatus = Effect.gen(function* () {
  const env = yield* SandboxEnv
  const now = yield* Clock.currentTimeMillis
  if (env.inquiryThrottling) yield* transact(throttle(now))
  const body = yield* readBody(inquiryLists)
  const fields = yield* validated(inquiryRules, body, [], fieldErrors)
  const target = targetOf(fields)
  if (target.session_id === undefined && target.order_no === undefined) {
    return yield* missingTarget
  }
  const request: InquiryRequest = {
    target,
    notify: fields.notify_webhook_url === true,
    webhookUrl: typeof fields.webhook_url === "string" ? fields.webhook_url : undefined,
  }
  return json(200, yield* transact(inquire(request, now, env.inquiryThrottling)))
})
