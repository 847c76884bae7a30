/**
 * How the sandbox answers: `Reply`, the non-2xx answer any route may fail with (DRF's
 * `{"detail": ...}` or field errors), and the JSON responses that successes and replies become.
 *
 * @internal
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Data from "effect/Data"

/** A non-2xx answer, raised by any route and turned into a JSON response at the top. */
export class Reply extends Data.TaggedError("Reply")<{
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}> {}

/** DRF's generic error shape: `{"detail": message}`. */
export const detail = (status: number, message: string): Reply =>
  new Reply({ status, body: { detail: message } })

/**
 * Ottu's failure shape: 400 with `{detail, ..., result: "failed"}` (`InquiryFailure` and
 * `OperationErrorResponse`; `OperationFailure` adds `operation`).
 */
export const failed = (message: string, fields: Readonly<Record<string, string>> = {}): Reply =>
  new Reply({ status: 400, body: { detail: message, ...fields, result: "failed" } })

/** A JSON response. */
export const json = (status: number, body: unknown): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(body, { status })

/** The JSON response of a reply. */
export const replyToResponse = (reply: Reply): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(reply.body, { status: reply.status, headers: reply.headers ?? {} })
