/**
 * The observer of successful answers: when the context holds one (automatic persistence provides
 * it), the boundary hands it every decoded successful answer of an endpoint that `saves`
 * something, after the call's timeout and retries, with what was sent. It reads nothing again and
 * changes nothing of the call: whatever it does, the call's outcome stays the answer.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { OttuConfig } from "../OttuConfig.ts"
import type { Endpoint } from "./endpoints.ts"

/** A successful call, as the observer sees it. */
export interface Answered {
  readonly endpoint: Endpoint
  /** The JSON body that was sent, when the request had one. */
  readonly sent: unknown
  /** The decoded answer. */
  readonly answer: unknown
}

/** What an {@link AnswerObserver} does with an answer. */
type Observe = (
  answered: Answered,
) => Effect.Effect<void, unknown, OttuConfig | HttpClient.HttpClient>

const AnswerObserverBase: Context.TagClass<
  AnswerObserver,
  "effect-ottu/internal/AnswerObserver",
  Observe
> = Context.Tag("effect-ottu/internal/AnswerObserver")<AnswerObserver, Observe>()

/**
 * Sees every successful answer of the endpoints that save something. Its failures and defects
 * are the observer's to handle: the boundary logs whatever escapes and returns the answer.
 */
export class AnswerObserver extends AnswerObserverBase {}
