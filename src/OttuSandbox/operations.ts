/**
 * The operations route (`POST /b/pbl/v2/operation/`, API reference §7 and §12): cancel, expire
 * and delete change the transaction; capture, refund and void move money and create a child
 * transaction, logged as an operation event. Every operation follows the allowed-state table,
 * amounts are counted in minor units, and a `Tracking-Key` makes capture, refund and void
 * idempotent per session.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import { minorUnits } from "../internal/currency.ts"
import { amount, choice, object, text } from "./checks.ts"
import { sessionId as newSessionId, referenceNumber } from "./ids.ts"
import { type Ledger, ledgerOf, settlementOf } from "./ledger.ts"
import {
  allows,
  type ExternalOperation,
  internalTargets,
  type Operation,
  operations,
  softDeleteStates,
} from "./lifecycle.ts"
import { fromMinor, toMinor } from "./money.ts"
import { operationPayload } from "./payloads.ts"
import { failed, json, type Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, type Rules, validated } from "./rules.ts"
import {
  type ChildTransaction,
  findTarget,
  missingTarget,
  type SandboxSession,
  type SandboxState,
  type Target,
  targetOf,
  transact,
  webhookUrlOf,
  withEvent,
  withSession,
} from "./state.ts"

const operationRules: Rules = {
  operation: field(choice(operations)),
  session_id: field(text(128)),
  order_no: field(text(128)),
  amount: field(amount),
  extra: field(object),
  destination: field(choice(["pg", "wallet"])),
}

const operationLists = listFieldsOf(operationRules)

/** A validated operation request. */
interface OperationRequest {
  readonly operation: Operation
  readonly target: Target
  readonly amount: string | undefined
  readonly destination: "pg" | "wallet" | undefined
  readonly trackingKey: string | undefined
}

/** What an operation takes from outside the state: the time and fresh identifiers. */
interface Fresh {
  readonly now: number
  readonly childId: string
  readonly reference: string
}

/** Ottu's `OperationFailure`: 400 with `{detail, operation, result: "failed"}`. */
const failure = (operation: Operation | "operation_tracking", message: string): Reply =>
  failed(message, { operation })

const notAllowed = (operation: Operation, session: SandboxSession): Reply =>
  failure(operation, `Cannot ${operation} a payment transaction in the ${session.state} state.`)

/** The answer of cancel, expire and delete (`InternalOperation`). */
const done = (operation: Operation, message: string) => ({
  detail: message,
  operation,
  result: "success",
})

type Transition = Either.Either<readonly [unknown, SandboxState], Reply>

/** Cancel and expire (§12.2: cancelable and expirable states). */
const changeState = (
  state: SandboxState,
  session: SandboxSession,
  operation: "cancel" | "expire",
): Transition => {
  if (!allows(session.state, operation)) return Either.left(notAllowed(operation, session))
  const target = internalTargets[operation]
  return Either.right([
    done(operation, `The payment transaction has been ${target}.`),
    withSession(state, { ...session, state: target }),
  ])
}

/** Delete: soft for paid, authorized and cod transactions, hard (forgotten) for the others. */
const remove = (state: SandboxState, session: SandboxSession): Transition => {
  if (!allows(session.state, "delete")) return Either.left(notAllowed("delete", session))
  const next = softDeleteStates.includes(session.state)
    ? withSession(state, { ...session, deleted: true })
    : { ...state, sessions: HashMap.remove(state.sessions, session.session_id) }
  return Either.right([done("delete", "The payment transaction has been deleted."), next])
}

/**
 * The amount an external operation moves: the one requested, or all that `available` holds.
 * Zero, or more than what is available, is refused.
 */
const amountToMove = (
  session: SandboxSession,
  operation: "capture" | "refund",
  requested: bigint | undefined,
  available: bigint,
): Either.Either<bigint, Reply> => {
  if (requested === 0n) return Either.left(failure(operation, "The amount must be greater than 0."))
  const moved = requested ?? available
  if (moved === 0n || moved > available) {
    const left = fromMinor(available, session.checkout.currency_code)
    return Either.left(
      failure(
        operation,
        `Amount exceeds balance: ${left} ${session.checkout.currency_code} can be ${operation === "capture" ? "captured" : "refunded"}.`,
      ),
    )
  }
  return Either.right(moved)
}

const childStates = { capture: "paid", refund: "refunded", void: "voided" } as const

/**
 * Records a successful capture, refund or void: the child transaction, the parent's new state
 * (`refunded` once everything paid was refunded and nothing remains to capture), and the
 * operation event. Answers the operation payload.
 */
const move = (
  state: SandboxState,
  session: SandboxSession,
  request: OperationRequest & { readonly operation: ExternalOperation },
  moved: { readonly amount: bigint; readonly requested: bigint | undefined },
  fresh: Fresh,
): Transition => {
  const child: ChildTransaction = {
    session_id: fresh.childId,
    operation: request.operation,
    state: childStates[request.operation],
    amount: moved.amount,
    requested: moved.requested,
    reference_number: fresh.reference,
    tracking_key: request.trackingKey,
    at: fresh.now,
  }
  const updated = { ...session, transactions: [...session.transactions, child] }
  const after = ledgerOf(updated)
  const next: SandboxSession =
    request.operation === "refund" && after.refundable === 0n && after.remaining === 0n
      ? { ...updated, state: "refunded" }
      : updated
  const payload = operationPayload(next, child)
  return Either.right([
    payload,
    withEvent(withSession(state, next), {
      kind: "operation",
      session_id: session.session_id,
      webhook_url: webhookUrlOf(next),
      payload,
    }),
  ])
}

/** Capture: part or all of what an authorization still holds (§7, §12.2). */
const capture = (
  session: SandboxSession,
  ledger: Ledger,
  requested: bigint | undefined,
): Either.Either<bigint, Reply> => {
  if (!allows(session.state, "capture")) return Either.left(notAllowed("capture", session))
  if (ledger.voided > 0n) {
    return Either.left(failure("capture", "The authorization was voided: nothing can be captured."))
  }
  return amountToMove(session, "capture", requested, ledger.remaining)
}

/** Void: the whole authorization, before any capture (§7, §12.2). */
const voidAuthorization = (
  session: SandboxSession,
  ledger: Ledger,
): Either.Either<bigint, Reply> => {
  if (!allows(session.state, "void")) return Either.left(notAllowed("void", session))
  if (ledger.voided > 0n) {
    return Either.left(failure("void", "The authorization has already been voided."))
  }
  if (ledger.captured > 0n) {
    return Either.left(
      failure(
        "void",
        "Cannot void a payment transaction that has been captured; refund it instead.",
      ),
    )
  }
  return Either.right(ledger.remaining)
}

/** Refund: part or all of what was paid and not refunded yet, on a paid or captured transaction. */
const refund = (
  session: SandboxSession,
  ledger: Ledger,
  request: OperationRequest,
  requested: bigint | undefined,
): Either.Either<bigint, Reply> => {
  const captured = session.state === "authorized" && ledger.captured > 0n
  if (!allows(session.state, "refund") && !captured) {
    return Either.left(
      session.state === "authorized"
        ? failure(
            "refund",
            "Cannot refund an authorized payment transaction before it is captured.",
          )
        : notAllowed("refund", session),
    )
  }
  if (request.destination === "wallet") {
    return Either.left(
      failure(
        "refund",
        `Refunds to a wallet need a settling gateway with an active wallet service; ${settlementOf(session)?.pg_code} has none.`,
      ),
    )
  }
  return amountToMove(session, "refund", requested, ledger.refundable)
}

/** The amount a capture or refund request names, in minor units; other operations ignore it. */
const requestedAmount = (
  session: SandboxSession,
  request: OperationRequest,
): Either.Either<bigint | undefined, Reply> => {
  if (request.amount === undefined) return Either.right(undefined)
  if (request.operation !== "capture" && request.operation !== "refund") {
    return Either.right(undefined)
  }
  const currency = session.checkout.currency_code
  const units = toMinor(request.amount, currency)
  return units === undefined
    ? Either.left(
        fieldErrors({
          amount: [
            `Ensure that there are no more than ${minorUnits(currency)} decimal places for ${currency}.`,
          ],
        }),
      )
    : Either.right(units)
}

/**
 * A request repeating a `Tracking-Key` already stored with one of the session's child
 * transactions: the same operation and amount get the first result again, anything else is
 * refused with `operation: "operation_tracking"`.
 */
const replay = (
  session: SandboxSession,
  request: OperationRequest,
  requested: bigint | undefined,
): Either.Either<unknown, Reply> | undefined => {
  const first = session.transactions.find(
    (child) => request.trackingKey !== undefined && child.tracking_key === request.trackingKey,
  )
  if (first === undefined) return undefined
  if (first.operation === request.operation && first.requested === requested) {
    return Either.right(operationPayload(session, first))
  }
  const currency = session.checkout.currency_code
  return Either.left(
    failure(
      "operation_tracking",
      `The Tracking-Key ${request.trackingKey} was already used for a ${first.operation} of ${fromMinor(first.amount, currency)} ${currency} on this payment transaction.`,
    ),
  )
}

/** The transition of one operation request. */
const operate =
  (request: OperationRequest, fresh: Fresh) =>
  (state: SandboxState): Transition =>
    Either.gen(function* () {
      const session = yield* findTarget(state, request.target, (message) =>
        failure(request.operation, message),
      )
      const requested = yield* requestedAmount(session, request)
      const repeated = replay(session, request, requested)
      if (repeated !== undefined) return [yield* repeated, state] as const
      const ledger = ledgerOf(session)
      const { operation } = request
      switch (operation) {
        case "cancel":
        case "expire":
          return yield* changeState(state, session, operation)
        case "delete":
          return yield* remove(state, session)
        case "capture":
        case "refund":
        case "void": {
          const moved =
            operation === "capture"
              ? yield* capture(session, ledger, requested)
              : operation === "void"
                ? yield* voidAuthorization(session, ledger)
                : yield* refund(session, ledger, request, requested)
          return yield* move(
            state,
            session,
            { ...request, operation },
            { amount: moved, requested },
            fresh,
          )
        }
      }
    })

/** POST: runs the operation on the session the body names. */
export const runOperation = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const body = yield* readBody(operationLists)
  const fields = yield* validated(operationRules, body, ["operation"], fieldErrors)
  const target = targetOf(fields)
  if (target.session_id === undefined && target.order_no === undefined) {
    return yield* missingTarget
  }
  const trackingKey = request.headers["tracking-key"]?.trim()
  const now = yield* Clock.currentTimeMillis
  const result = yield* transact(
    operate(
      {
        operation: fields.operation as Operation,
        target,
        amount: typeof fields.amount === "string" ? fields.amount : undefined,
        destination: fields.destination as OperationRequest["destination"],
        trackingKey: trackingKey === "" ? undefined : trackingKey,
      },
      { now, childId: newSessionId(), reference: referenceNumber() },
    ),
  )
  return json(200, result)
})
