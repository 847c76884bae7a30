/**
 * ottu-py's `ottu.session`, done with a `Ref`: the `CurrentSession` service holds the last
 * checkout session created, retrieved or updated, and the functions here keep it current.
 * Several independent sessions are possible, one `Ref` (one layer) each.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as AutoDebit from "./AutoDebit.ts"
import * as Checkout from "./Checkout.ts"
import * as Inquiry from "./Inquiry.ts"
import { type Endpoint, endpoints } from "./internal/endpoints.ts"
import { CheckoutCreated } from "./internal/flow.ts"
import { invalid } from "./internal/input.ts"
import * as Operation from "./Operation.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import type { OttuFlowError } from "./OttuError.ts"

/** The state a {@link CurrentSession} holds. */
type SessionRef = Ref.Ref<Option.Option<Checkout.CheckoutSession>>

const CurrentSessionBase: Context.TagClass<
  CurrentSession,
  "effect-ottu/Session/CurrentSession",
  SessionRef
> = Context.Tag("effect-ottu/Session/CurrentSession")<CurrentSession, SessionRef>()

/**
 * The `Ref` holding the current checkout session, empty until one is created or retrieved.
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentSession extends CurrentSessionBase {}

/**
 * A fresh, empty current session. Provide it once per independent session.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<CurrentSession> = Layer.effect(
  CurrentSession,
  Ref.make(Option.none<Checkout.CheckoutSession>()),
)

/**
 * The current session, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const current: Effect.Effect<
  Option.Option<Checkout.CheckoutSession>,
  never,
  CurrentSession
> = Effect.flatMap(CurrentSession, Ref.get)

/** Runs a checkout call and, on success only, makes its answer the current session. */
const tracked = <E, R>(
  call: Effect.Effect<Checkout.CheckoutSession, E, R>,
): Effect.Effect<Checkout.CheckoutSession, E, R | CurrentSession> =>
  Effect.flatMap(CurrentSession, (ref) =>
    Effect.tap(call, (session) => Ref.set(ref, Option.some(session))),
  )

type Requirements = OttuConfig | HttpClient.HttpClient | CurrentSession

/**
 * The id given, or the current session's; fails with an invalid-input error when there is neither.
 */
const targetId = (
  sessionId: string | undefined,
  { method, route: path }: Endpoint,
): Effect.Effect<string, Checkout.CheckoutError, CurrentSession> =>
  sessionId !== undefined
    ? Effect.succeed(sessionId)
    : Effect.flatMap(current, (session) =>
        Option.match(session, {
          onNone: () =>
            Effect.fail(
              invalid({ method, path }, "session_id", "no session id given and no current session"),
            ),
          onSome: (s) => Effect.succeed(s.session_id),
        }),
      )

/**
 * Creates a checkout session and makes it the current one (ottu-py's `ottu.checkout`).
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  params: Checkout.CreateInput,
): Effect.Effect<Checkout.CheckoutSession, Checkout.CheckoutError, Requirements> =>
  tracked(Checkout.create(params))

/**
 * Retrieves a checkout session and makes it the current one.
 *
 * @since 0.1.0
 * @category operations
 */
export const retrieve = (
  sessionId: string,
): Effect.Effect<Checkout.CheckoutSession, Checkout.CheckoutError, Requirements> =>
  tracked(Checkout.retrieve(sessionId))

/**
 * Updates a session (PATCH) — the current one unless `sessionId` is given — and makes the answer
 * the current session. Unlike ottu-py, the target can be named.
 *
 * @since 0.1.0
 * @category operations
 */
export const update = (
  params: Checkout.UpdateInput,
  options?: { readonly sessionId?: string },
): Effect.Effect<Checkout.CheckoutSession, Checkout.CheckoutError, Requirements> =>
  Effect.flatMap(targetId(options?.sessionId, endpoints.checkoutUpdate), (id) =>
    tracked(Checkout.update(id, params)),
  )

/**
 * Retrieves the given session, or the current one, again. `None` when there is no id to refresh,
 * as ottu-py returns nothing then.
 *
 * @since 0.1.0
 * @category operations
 */
export const refresh = (
  sessionId?: string,
): Effect.Effect<Option.Option<Checkout.CheckoutSession>, Checkout.CheckoutError, Requirements> =>
  Effect.flatMap(current, (session) => {
    const id = sessionId ?? Option.getOrUndefined(Option.map(session, (s) => s.session_id))
    return id === undefined ? Effect.succeedNone : Effect.asSome(retrieve(id))
  })

/**
 * ottu-py's `checkout_autoflow` with its `ottu.session` update: {@link Checkout.autoFlow} (the
 * gateways the payment-methods API offers when `pg_codes` is not given, then the checkout), and
 * the created checkout becomes the current session. A failed flow leaves the current session as
 * it was (the checkout is the flow's last step).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Session } from "effect-ottu"
 *
 * const program = Effect.gen(function* () {
 *   yield* Session.autoFlow({ type: "e_commerce", amount: "20.230", currency_code: "KWD" })
 *   return yield* Session.query() // the checkout just created
 * }).pipe(Effect.provide(Session.layer))
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const autoFlow = (
  params: Checkout.AutoFlowInput,
): Effect.Effect<Checkout.CheckoutSession, OttuFlowError, Requirements> =>
  tracked(Checkout.autoFlow(params))

/**
 * ottu-py's `auto_debit_autoflow` with its `ottu.session` update: {@link AutoDebit.autoFlow}
 * (token, gateways, auto-debit checkout, charge), and the checkout becomes the current session
 * as soon as it is created.
 *
 * **Gotchas**
 * - The current session is the checkout as Ottu answered its creation, before the charge: use
 *   {@link refresh} to read its state after the charge.
 * - It becomes current even when the charge then fails, as in ottu-py (the `OttuFlowError` of
 *   step `charge` names the same `session_id`); a failure before the checkout exists leaves the
 *   current session as it was.
 * - Without a `token` the `AutoDebit.TokenSource` is asked, and is required by the type.
 *
 * @since 0.1.0
 * @category operations
 */
export const autoDebitFlow: {
  (
    params: AutoDebit.AutoFlowInput & { readonly token: string },
  ): Effect.Effect<AutoDebit.AutoFlowResult, OttuFlowError, Requirements>
  (
    params: AutoDebit.AutoFlowInput,
  ): Effect.Effect<AutoDebit.AutoFlowResult, OttuFlowError, Requirements | AutoDebit.TokenSource>
} = (params: AutoDebit.AutoFlowInput) =>
  // With a token the TokenSource is never asked for: the first signature only drops a
  // requirement the run does not have (as `AutoDebit.autoFlow`'s own signatures).
  currentOnCreation(AutoDebit.autoFlow(params)) as Effect.Effect<
    AutoDebit.AutoFlowResult,
    OttuFlowError,
    Requirements
  >

/** Runs an autoflow so that its checkout becomes the current session as soon as it exists. */
const currentOnCreation = <A, E, R>(
  self: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R | CurrentSession> =>
  Effect.flatMap(CurrentSession, (ref) =>
    Effect.provideService(self, CheckoutCreated, (session) => Ref.set(ref, Option.some(session))),
  )

/**
 * The options of the session's operations: the operation's own options, and a `target` when the
 * operation is not meant for the current session.
 *
 * @since 0.1.0
 * @category models
 */
export type OperationOptions<O extends Operation.Options> = O & {
  readonly target?: Operation.Target | undefined
}

/**
 * One of the session's operations: it acts on the current session unless `target` is given.
 *
 * @since 0.1.0
 * @category models
 */
export type SessionRun<O extends Operation.Options> = (
  options?: OperationOptions<O>,
) => Effect.Effect<
  Operation.OperationResult,
  Operation.OperationError,
  OttuConfig | HttpClient.HttpClient | CurrentSession
>

/** The target given, or the current session; the operation; then the refresh ottu-py does. */
const operate =
  <O extends Operation.Options>(run: Operation.Run<O>, refreshAfter: boolean) =>
  (
    options?: OperationOptions<O>,
  ): Effect.Effect<Operation.OperationResult, Operation.OperationError, Requirements> =>
    Effect.gen(function* () {
      const { target, ...rest } = options ?? ({} as OperationOptions<O>)
      const chosen = target ?? {
        session_id: yield* targetId(undefined, endpoints.capture),
      }
      const result = yield* run(chosen, rest as unknown as O)
      if (refreshAfter) {
        // The money already moved: a failed refresh must not turn the operation into a failure.
        yield* refresh().pipe(
          Effect.catchAll((error) =>
            Effect.logWarning(
              "the current session could not be refreshed after the operation",
              error,
            ),
          ),
        )
      }
      return result
    })

/**
 * Cancels the current session (or `target`), then refreshes the current session (a failed refresh
 * is logged, not raised: the operation's result is what counts).
 *
 * @since 0.1.0
 * @category operations
 */
export const cancel: SessionRun<Operation.Options> = operate(Operation.cancel, true)

/**
 * Expires the current session (or `target`), then refreshes the current session.
 *
 * @since 0.1.0
 * @category operations
 */
export const expire: SessionRun<Operation.Options> = operate(Operation.expire, true)

/**
 * Deletes the current session (or `target`). No refresh follows, as in ottu-py.
 *
 * @since 0.1.0
 * @category operations
 */
const remove: SessionRun<Operation.Options> = operate(Operation.delete, false)

/**
 * Captures the current session (or `target`), then refreshes the current session.
 *
 * @since 0.1.0
 * @category operations
 */
export const capture: SessionRun<Operation.CaptureOptions> = operate(Operation.capture, true)

/**
 * Refunds the current session (or `target`), then refreshes the current session.
 *
 * @since 0.1.0
 * @category operations
 */
export const refund: SessionRun<Operation.RefundOptions> = operate(Operation.refund, true)

/**
 * Voids the current session's authorization (or `target`'s), then refreshes the current session.
 *
 * @since 0.1.0
 * @category operations
 */
const voidAuthorization: SessionRun<Operation.Options> = operate(Operation.void, true)

// `delete` and `void` are reserved words: the functions are exported under those names.
export {
  /**
   * Deletes the current session (or `target`). No refresh follows, as in ottu-py.
   *
   * @since 0.1.0
   * @category operations
   */
  remove as delete,
  /**
   * Voids the current session's authorization (or `target`'s), then refreshes the current session.
   *
   * @since 0.1.0
   * @category operations
   */
  voidAuthorization as void,
}

/**
 * Queries the payment status of the current session (or `target`). No refresh follows.
 *
 * @since 0.1.0
 * @category operations
 */
export const query = (
  options?: typeof Inquiry.QueryOptions.Encoded & { readonly target?: Inquiry.Target | undefined },
): Effect.Effect<Inquiry.PaymentStatus, Checkout.CheckoutError, Requirements> =>
  Effect.gen(function* () {
    const { target, ...rest } = options ?? {}
    const chosen = target ?? {
      session_id: yield* targetId(undefined, endpoints.inquiry),
    }
    return yield* Inquiry.query(chosen, rest)
  })
