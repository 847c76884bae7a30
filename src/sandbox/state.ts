/**
 * What a sandbox instance remembers and how routes reach it: the session model, the
 * `SandboxState` held in one `Ref` per instance, and `SandboxEnv`, the per-instance context
 * (host, API key, state) that every route reads.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type { Plugin } from "./gateways.ts"

/**
 * The lifecycle state of a checkout session (API reference §12.1).
 *
 * @since 0.1.0
 * @category models
 */
export type CheckoutState =
  | "created"
  | "pending"
  | "attempted"
  | "authorized"
  | "paid"
  | "failed"
  | "canceled"
  | "expired"
  | "invalided"
  | "refunded"
  | "cod"

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
 * One checkout session held by the sandbox.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxSession {
  readonly session_id: string
  readonly state: CheckoutState
  readonly checkout: CheckoutInput
}

/**
 * Everything a sandbox instance remembers. It lives in one `Ref`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxState {
  readonly sessions: HashMap.HashMap<string, SandboxSession>
}

/** What the routes of one instance read: its host, its key and its state. */
export interface Env {
  readonly host: string
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly state: Ref.Ref<SandboxState>
}

/** The instance a route runs in, provided once per sandbox by its web handler. */
export class SandboxEnv extends Context.Tag("effect-ottu/OttuSandbox/Env")<SandboxEnv, Env>() {}

/** A fresh, empty state. */
export const makeState: Effect.Effect<Ref.Ref<SandboxState>> = Ref.make<SandboxState>({
  sessions: HashMap.empty(),
})

/** The session with this id, if the instance has one. */
export const findSession = (
  sessionId: string,
): Effect.Effect<Option.Option<SandboxSession>, never, SandboxEnv> =>
  Effect.flatMap(SandboxEnv, (env) =>
    Effect.map(Ref.get(env.state), (state) => HashMap.get(state.sessions, sessionId)),
  )

/** Stores a session, replacing the one with the same id. */
export const saveSession = (session: SandboxSession): Effect.Effect<void, never, SandboxEnv> =>
  Effect.flatMap(SandboxEnv, (env) =>
    Ref.update(env.state, (state) => ({
      ...state,
      sessions: HashMap.set(state.sessions, session.session_id, session),
    })),
  )
