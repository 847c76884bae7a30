/**
 * The transaction an operation or a status query acts on: a `session_id` or an `order_no`,
 * exactly one of them.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { OttuInvalidInputError } from "../OttuError.ts"
import { invalid, type Target as Where } from "./input.ts"

/**
 * Which transaction to act on: by Ottu's `session_id` or by the merchant's `order_no`, never both.
 *
 * @since 0.1.0
 * @category models
 */
export type Target =
  | { readonly session_id: string; readonly order_no?: never }
  | { readonly order_no: string; readonly session_id?: never }

const identifier = (value: unknown): value is string =>
  typeof value === "string" && value.trim() !== "" && value.length <= 128

/** Checks that exactly one usable identifier is given; the wire fields to send. */
export const checkTarget = (
  target: Target,
  where: Where,
): Effect.Effect<Record<string, string>, OttuInvalidInputError> => {
  const { session_id, order_no } = target as { session_id?: unknown; order_no?: unknown }
  if (session_id !== undefined && order_no !== undefined) {
    return Effect.fail(invalid(where, "session_id", "give either session_id or order_no, not both"))
  }
  if (session_id !== undefined) {
    return identifier(session_id)
      ? Effect.succeed({ session_id })
      : Effect.fail(
          invalid(where, "session_id", "must be a non-blank string of at most 128 characters"),
        )
  }
  if (order_no !== undefined) {
    return identifier(order_no)
      ? Effect.succeed({ order_no })
      : Effect.fail(
          invalid(where, "order_no", "must be a non-blank string of at most 128 characters"),
        )
  }
  return Effect.fail(invalid(where, "session_id", "session_id or order_no is required"))
}

/** Span attributes naming the target (`ottu.session_id` or `ottu.order_no`). */
export const targetAttributes = (identifier: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(identifier).map(([key, value]) => [`ottu.${key}`, value]))
