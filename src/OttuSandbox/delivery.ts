/**
 * Webhook delivery: the events the sandbox logs are signed with its webhook key (in the scheme
 * Ottu would use, see {@link schemeOf}) and POSTed to their `webhook_url` through an
 * `HttpClient`, as Ottu does (API reference §13.1): a 15 second
 * timeout, and retries only on a timeout, 3 of them, 5 seconds apart. Deliveries run in the
 * background of the instance; their outcomes are kept for tests and examples.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { type Scheme, signatureOf } from "../Webhook.ts"
import type { SandboxEvent, SandboxState } from "./state.ts"

/**
 * What became of one delivery: the answer's status, or the reason there was none.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly kind: SandboxEvent["kind"]
  readonly session_id: string
  readonly url: string
  /** Requests sent: 1, plus one per retry after a timeout. */
  readonly attempts: number
  readonly status?: number
  readonly error?: string
}

/** How an instance delivers: the key it signs with and the client it POSTs through. */
export interface Webhooks {
  readonly key: Redacted.Redacted<string>
  readonly client: HttpClient.HttpClient
}

/** The instance's delivery machinery; without `webhooks`, events are only logged. */
export interface Courier {
  readonly webhooks: Webhooks | undefined
  /** How many logged events were already handed to delivery. */
  readonly dispatched: Ref.Ref<number>
  readonly deliveries: Ref.Ref<ReadonlyArray<Delivery>>
  readonly running: FiberSet.FiberSet<void, never>
}

/** A courier for one instance; its deliveries stop when `scope` closes. */
export const makeCourier = (
  webhooks: Webhooks | undefined,
): Effect.Effect<Courier, never, Scope.Scope> =>
  Effect.all({
    webhooks: Effect.succeed(webhooks),
    dispatched: Ref.make(0),
    deliveries: Ref.make<ReadonlyArray<Delivery>>([]),
    running: FiberSet.make<void, never>(),
  })

class DeliveryTimeout extends Data.TaggedError("DeliveryTimeout") {}

/** Ottu's retries (§13.1): 3 at most, 5 s apart (taken after a timeout only). */
const retries = Schedule.intersect(Schedule.spaced("5 seconds"), Schedule.recurs(3))

/**
 * One POST of the signed event: the answer's status. The body of the answer is not read (the
 * request is aborted once the status is known); no status within 15 s is a `DeliveryTimeout`.
 */
const post = (client: HttpClient.HttpClient, url: string, body: string) =>
  HttpClientRequest.post(url).pipe(
    HttpClientRequest.setHeader("user-agent", "ottu-sandbox"),
    HttpClientRequest.bodyText(body, "application/json"),
    HttpClient.withScope(client).execute,
    Effect.map((response) => response.status),
    Effect.scoped,
    Effect.mapError((error) => error.message),
    Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => new DeliveryTimeout() }),
  )

/**
 * The scheme Ottu signs an event with (API reference §14.2): the subscription scheme for an
 * event that carries a saved card or an agreement (tokenizing and auto-debit payments), which
 * signs `token` and `agreement.id`; the standard scheme otherwise.
 */
export const schemeOf = (payload: Readonly<Record<string, unknown>>): Scheme => {
  const agreement = payload.agreement
  const agreementId =
    typeof agreement === "object" && agreement !== null
      ? (agreement as Readonly<Record<string, unknown>>).id
      : undefined
  return payload.token !== undefined || (agreementId !== undefined && agreementId !== "")
    ? "subscription"
    : "standard"
}

/** Signs and delivers one event, retrying on timeouts only, and records the outcome. */
const deliver = (courier: Courier, webhooks: Webhooks, event: SandboxEvent) => {
  const url = event.webhook_url ?? ""
  const body = JSON.stringify({
    ...event.payload,
    signature: signatureOf(event.payload, webhooks.key, schemeOf(event.payload)),
  })
  return Effect.gen(function* () {
    const attempts = yield* Ref.make(0)
    const outcome = yield* Ref.update(attempts, (n) => n + 1).pipe(
      Effect.zipRight(post(webhooks.client, url, body)),
      Effect.retry({ schedule: retries, while: (e) => e instanceof DeliveryTimeout }),
      Effect.match({
        onFailure: (error) => ({ error: error instanceof DeliveryTimeout ? "timed out" : error }),
        onSuccess: (status) => ({ status }),
      }),
    )
    const delivery: Delivery = {
      kind: event.kind,
      session_id: event.session_id,
      url,
      attempts: yield* Ref.get(attempts),
      ...outcome,
    }
    yield* Ref.update(courier.deliveries, (all) => [...all, delivery])
  })
}

/**
 * Hands every event logged since the last call to delivery (those with a `webhook_url`, when the
 * instance delivers webhooks) and returns at once.
 */
export const dispatch = (courier: Courier, state: Ref.Ref<SandboxState>): Effect.Effect<void> =>
  Effect.gen(function* () {
    const { events } = yield* Ref.get(state)
    const fresh = yield* Ref.modify(courier.dispatched, (n) => [
      events.slice(n),
      Math.max(n, events.length),
    ])
    const webhooks = courier.webhooks
    if (webhooks === undefined) return
    for (const event of fresh) {
      if (event.webhook_url !== null) {
        yield* FiberSet.run(courier.running, deliver(courier, webhooks, event))
      }
    }
  })
