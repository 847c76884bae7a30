/**
 * The checkout store in memory: one `Ref` per store, written under a one-permit lock so that
 * recording an event (with its `within` effect) is atomic. For tests, examples and single-process
 * tools; nothing survives the process.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Webhook from "../Webhook.ts"
import {
  type Answer,
  OttuStoreError,
  type Recorded,
  type RecordOptions,
  rowLimit,
  type Service,
  type StoredCheckout,
  type StoredEvent,
} from "./model.ts"
import { decide, eventKey, eventPayload, factsOf, merge, type Trust } from "./records.ts"

interface State {
  readonly checkouts: HashMap.HashMap<string, StoredCheckout>
  readonly events: HashMap.HashMap<string, ReadonlyArray<StoredEvent>>
  /** Each event's place in the order of recording (as the SQL stores' row id), by key. */
  readonly recorded: HashMap.HashMap<string, number>
}

const empty: State = {
  checkouts: HashMap.empty(),
  events: HashMap.empty(),
  recorded: HashMap.empty(),
}

/** Newest first: `a` after `b` when `a` is older (a negative number when `a` comes first). */
const newestFirst = (a: DateTime.Utc, b: DateTime.Utc): number =>
  DateTime.toEpochMillis(b) - DateTime.toEpochMillis(a)

/** The most recently updated checkouts, in the SQL stores' order. */
const recentCheckouts = (state: State, limit: number): ReadonlyArray<StoredCheckout> =>
  Array.from(HashMap.values(state.checkouts))
    .sort(
      (a, b) =>
        newestFirst(a.updated_at, b.updated_at) ||
        newestFirst(a.created_at, b.created_at) ||
        (a.session_id < b.session_id ? 1 : a.session_id > b.session_id ? -1 : 0),
    )
    .slice(0, rowLimit(limit))

/** The most recently received events of every session, in the SQL stores' order. */
const recentEvents = (state: State, limit: number): ReadonlyArray<StoredEvent> => {
  const place = (event: StoredEvent) =>
    Option.getOrElse(HashMap.get(state.recorded, event.key), () => 0)
  return Array.from(HashMap.values(state.events))
    .flat()
    .sort((a, b) => newestFirst(a.received_at, b.received_at) || place(b) - place(a))
    .slice(0, rowLimit(limit))
}

const now = Effect.map(Clock.currentTimeMillis, DateTime.unsafeMake)

/** The outcome of recording an event in the state, before it is committed. */
const apply = (
  state: State,
  event: Webhook.Event,
  options: Trust,
  key: string,
  at: DateTime.Utc,
): readonly [Recorded, State] => {
  const current = HashMap.get(state.checkouts, event.session_id)
  const recorded = Option.getOrElse(HashMap.get(state.events, event.session_id), () => [])
  const previous = recorded.findIndex((stored) => stored.key === key)
  if (previous >= 0 && recorded[previous]?.outcome !== "refused") {
    return [{ outcome: "duplicate", key, checkout: current }, state]
  }
  const { outcome, reason, merged } = decide(event, options, Option.getOrNull(current), at)
  const checkout = merged === undefined ? current : Option.some(merged.checkout)
  const stored: StoredEvent = {
    key,
    session_id: event.session_id,
    checkout_session_id: Option.isSome(checkout) ? event.session_id : null,
    kind: event._tag === "PaymentEvent" ? "payment" : "operation",
    outcome,
    reason,
    payload: eventPayload(event),
    received_at: at,
  }
  const next: State = {
    checkouts:
      merged === undefined
        ? state.checkouts
        : HashMap.set(state.checkouts, event.session_id, merged.checkout),
    // A refused event delivered again is decided again, in its place.
    events: HashMap.set(
      state.events,
      event.session_id,
      previous >= 0
        ? recorded.map((event, index) => (index === previous ? stored : event))
        : [...recorded, stored],
    ),
    recorded: HashMap.has(state.recorded, key)
      ? state.recorded
      : HashMap.set(state.recorded, key, HashMap.size(state.recorded)),
  }
  return [{ outcome, key, checkout, ...(reason === null ? {} : { reason }) }, next]
}

/** A memory store, empty. */
export const make: Effect.Effect<Service> = Effect.gen(function* () {
  const state = yield* Ref.make(empty)
  const lock = yield* Effect.makeSemaphore(1)
  /** Set while `within` runs: a write from there would wait for the lock it holds. */
  const inside = yield* Effect.sync(() => FiberRef.unsafeMake(false))

  const write = <A, E, R>(
    operation: OttuStoreError["operation"],
    body: Effect.Effect<A, E, R>,
  ): Effect.Effect<A, E | OttuStoreError, R> =>
    Effect.flatMap(
      FiberRef.get(inside),
      (nested): Effect.Effect<A, E | OttuStoreError, R> =>
        nested
          ? Effect.fail(
              new OttuStoreError({
                operation,
                reason: "the memory store cannot be written from inside `within`",
              }),
            )
          : lock.withPermits(1)(body),
    )

  const read = <A>(f: (state: State) => A) => Effect.map(Ref.get(state), f)

  return {
    save: (answer: Answer) =>
      write(
        "save",
        Effect.gen(function* () {
          const at = yield* now
          const current = yield* read((s) => HashMap.get(s.checkouts, answer.session_id))
          const { checkout, changed } = merge(
            Option.getOrNull(current),
            factsOf(answer.session_id, answer),
            at,
          )
          if (changed) {
            yield* Ref.update(state, (s) => ({
              ...s,
              checkouts: HashMap.set(s.checkouts, checkout.session_id, checkout),
            }))
          }
          return checkout
        }),
      ),
    get: (sessionId) => read((s) => HashMap.get(s.checkouts, sessionId)),
    findByOrderNo: (orderNo) =>
      read((s) => {
        let found: StoredCheckout | undefined
        for (const checkout of HashMap.values(s.checkouts)) {
          if (
            checkout.order_no === orderNo &&
            (found === undefined || DateTime.greaterThan(checkout.updated_at, found.updated_at))
          ) {
            found = checkout
          }
        }
        return Option.fromNullable(found)
      }),
    record: <E = never, R = never>(event: Webhook.Event, options: RecordOptions<E, R> = {}) =>
      write(
        "record",
        Effect.gen(function* () {
          const key = yield* eventKey(event)
          const [recorded, next] = apply(yield* Ref.get(state), event, options, key, yield* now)
          if (recorded.outcome === "duplicate") return recorded
          const within = recorded.outcome === "refused" ? undefined : options.within
          if (within !== undefined) yield* Effect.locally(within(recorded), inside, true)
          yield* Ref.set(state, next)
          return recorded
        }),
      ),
    events: (sessionId) =>
      read((s) => Option.getOrElse(HashMap.get(s.events, sessionId), () => [])),
    recent: ({ limit }) => read((s) => recentCheckouts(s, limit)),
    recentEvents: ({ limit }) => read((s) => recentEvents(s, limit)),
    latestToken: ({ customer_id, agreement_id }) =>
      read((s) => {
        let found: StoredCheckout["token"] = null
        for (const checkout of HashMap.values(s.checkouts)) {
          const token = checkout.token
          if (
            token !== null &&
            checkout.customer_id === customer_id &&
            checkout.agreement_id === agreement_id &&
            (found === null || DateTime.greaterThan(token.saved_at, found.saved_at))
          ) {
            found = token
          }
        }
        return Option.fromNullable(found)
      }),
  }
})
