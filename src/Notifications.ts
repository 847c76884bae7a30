/**
 * Notifications: re-send a transaction's own notifications (`POST /b/pbl/v2/message-notification/`),
 * or send a template by SMS, WhatsApp or e-mail (`POST /b/pbl/v2/send-notification/`, the channel
 * in the body; `POST /b/pbl/v2/notifications/send/{channel}/`, the channel in the path), for
 * example to share a payment link.
 *
 * | function | endpoint | what goes out |
 * |---|---|---|
 * | {@link resend} | `message-notification/` | the transaction's own notification for its current event, on each channel its `notifications` settings enable for that event |
 * | {@link send} | `send-notification/` | a template (`template_id`) to one recipient, the channel named in the body |
 * | {@link sendOn} | `notifications/send/{channel}/` | the same, the channel named in the path |
 *
 * None of them is ever retried by the SDK: a repeat after a lost answer could notify the
 * customer twice.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { endpoints, pathOf } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { Email, optionalText, Rest, Text, Url } from "./internal/primitives.ts"
import { checkTarget, type Target, targetAttributes } from "./internal/target.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError } from "./OttuError.ts"

export type {
  /**
   * Which transaction to act on: by Ottu's `session_id` or by the merchant's `order_no`, never both.
   *
   * @since 0.1.0
   * @category models
   */
  Target,
} from "./internal/target.ts"

/**
 * A notification channel: `sms`, `email` or `whatsapp`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Channel: Schema.Literal<["sms", "email", "whatsapp"]> = Schema.Literal(
  "sms",
  "email",
  "whatsapp",
)

/**
 * @since 0.1.0
 * @category models
 */
export type Channel = typeof Channel.Type

/**
 * A file sent with a template: its content in base64 or a public URL (one of them), and
 * optionally its name, media type and size.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NotificationAttachment: Schema.filter<
  Schema.Struct<{
    content: Schema.optional<Schema.filter<typeof Schema.String>>
    url: Schema.optional<typeof Url>
    filename: Schema.optional<Schema.filter<typeof Schema.String>>
    content_type: Schema.optional<Schema.filter<typeof Schema.String>>
    size: Schema.optional<typeof Schema.String>
  }>
> = Schema.Struct({
  content: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^[A-Za-z0-9+/]+={0,2}$/, { message: () => "must be base64 content" }),
    ),
  ),
  url: Schema.optional(Url),
  filename: Schema.optional(Text(255)),
  content_type: Schema.optional(Text(255)),
  size: Schema.optional(Schema.String),
}).pipe(
  Schema.filter((a) =>
    (a.content === undefined) === (a.url === undefined)
      ? { path: ["content"], message: "give the content (base64) or a url, one of them" }
      : undefined,
  ),
)

const NonBlank = (max: number): Schema.filter<Schema.filter<typeof Schema.String>> =>
  Text(max).pipe(Schema.filter((s) => s.trim() !== "" || "may not be blank"))

type TemplateFields = {
  readonly channel: typeof Channel
  readonly template_id: Schema.filter<Schema.filter<typeof Schema.String>>
  readonly to: Schema.filter<Schema.filter<typeof Schema.String>>
  readonly unit_config: Schema.optional<typeof Schema.Int>
  readonly language: Schema.optional<Schema.Literal<["en", "ar"]>>
  readonly cc: Schema.optional<Schema.Array$<typeof Email>>
  readonly bcc: Schema.optional<Schema.Array$<typeof Email>>
  readonly subject: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly body: Schema.optional<typeof Schema.String>
  readonly context: Schema.optional<typeof Schema.Unknown>
  readonly attachments: Schema.optional<Schema.Array$<typeof NotificationAttachment>>
  readonly trace_id: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly tags: Schema.optional<Schema.Array$<typeof Schema.String>>
}

/** An international phone number: `+`, the country code, the number (E.164). */
const internationalPhone = /^\+[1-9]\d{6,14}$/
const emailAddress = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * A template notification, as {@link send} sends it: `channel`, `template_id` and `to` (an
 * e-mail address for `email`, an international phone number such as `+96599999999` for `sms`
 * and `whatsapp`) are required; `unit_config` is required for WhatsApp. `language` (`en`
 * default, `ar`), `cc`/`bcc` and `subject` (e-mail), `body` (a plain-text fallback), `context`
 * (the template's data, e.g. the payment link), `attachments`, `trace_id` (at most 60
 * characters) and `tags` are optional.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SendParams: Schema.filter<Schema.Struct<TemplateFields>> = Schema.Struct({
  channel: Channel,
  template_id: NonBlank(255),
  to: NonBlank(255),
  unit_config: Schema.optional(Schema.Int),
  language: Schema.optional(Schema.Literal("en", "ar")),
  cc: Schema.optional(Schema.Array(Email)),
  bcc: Schema.optional(Schema.Array(Email)),
  subject: Schema.optional(Text(255)),
  body: Schema.optional(Schema.String),
  context: Schema.optional(Schema.Unknown),
  attachments: Schema.optional(Schema.Array(NotificationAttachment)),
  trace_id: Schema.optional(Text(60)),
  tags: Schema.optional(Schema.Array(Schema.String)),
}).pipe(
  Schema.filter((p) => {
    const issues: Array<Schema.FilterIssue> = []
    if (p.channel === "email" && !emailAddress.test(p.to)) {
      issues.push({ path: ["to"], message: "must be an e-mail address for the email channel" })
    }
    if (p.channel !== "email" && !internationalPhone.test(p.to)) {
      issues.push({
        path: ["to"],
        message: `must be an international phone number (+96599999999) for the ${p.channel} channel`,
      })
    }
    if (p.channel === "whatsapp" && p.unit_config === undefined) {
      issues.push({ path: ["unit_config"], message: "is required for the whatsapp channel" })
    }
    return issues
  }),
)

/**
 * The input of {@link send}.
 *
 * @since 0.1.0
 * @category models
 */
export type SendInput = typeof SendParams.Encoded

/**
 * The input of {@link sendOn}: a {@link SendInput} without `channel`, which the path names.
 *
 * @since 0.1.0
 * @category models
 */
export type SendOnInput = Omit<SendInput, "channel">

/**
 * Ottu's answer to a template notification: `{"message": "Notification sent.", "result":
 * "success"}`. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NotificationSent: Schema.TypeLiteral<
  { message: typeof optionalText; result: typeof optionalText },
  readonly [typeof Rest]
> = Schema.Struct({ message: optionalText, result: optionalText }, Rest)

/**
 * @since 0.1.0
 * @category models
 */
export type NotificationSent = typeof NotificationSent.Type

/**
 * Ottu's answer to {@link resend}: `{"message": "Customer notified."}`. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CustomerNotified: Schema.TypeLiteral<
  { message: typeof optionalText },
  readonly [typeof Rest]
> = Schema.Struct({ message: optionalText }, Rest)

/**
 * @since 0.1.0
 * @category models
 */
export type CustomerNotified = typeof CustomerNotified.Type

const Channels = Schema.Array(Channel).pipe(
  Schema.minItems(1, { message: () => "must list at least one channel" }),
)

/**
 * Re-sends a transaction's own notifications (`POST /b/pbl/v2/message-notification/`), on the
 * channels given, for the transaction's current event (created, paid, …).
 *
 * **Details**: a notification goes out on a channel only when the transaction's `notifications`
 * settings include its current event on that channel (and Ottu has the customer's phone or
 * e-mail). When none can go out, Ottu answers 400 `{session_id, channels, result: "failed"}`
 * (`OttuBadRequestError`); an unknown transaction is an `OttuNotFoundError`.
 *
 * @since 0.1.0
 * @category operations
 */
export const resend = (
  target: Target,
  channels: ReadonlyArray<Channel>,
): Effect.Effect<CustomerNotified, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const path = endpoints.notificationsResend.route
    const where = { method: "POST", path } as const
    const identifier = yield* checkTarget(target, where)
    const valid = yield* validate(Schema.Struct({ channels: Channels }), { channels }, where)
    return yield* execute({
      endpoint: endpoints.notificationsResend,
      path,
      attributes: targetAttributes(identifier),
      body: { _tag: "Json", value: { ...identifier, channels: valid.channels } },
      success: CustomerNotified,
    })
  })

/** Validates a template notification; the recipient never goes into spans. */
const template = (input: unknown, where: { readonly method: string; readonly path: string }) =>
  validate(SendParams, input, where)

/**
 * Sends a template notification (`POST /b/pbl/v2/send-notification/`), the channel named in the
 * body: an SMS or WhatsApp message to an international phone number, or an e-mail.
 *
 * @example
 * ```ts
 * import { Notifications } from "effect-ottu"
 *
 * const sent = Notifications.send({
 *   channel: "sms",
 *   template_id: "payment-link-sms",
 *   to: "+96599999999",
 *   context: { payment_link: "https://pay.example.kw/s/abc" },
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const send = (
  params: SendInput,
): Effect.Effect<NotificationSent, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const path = endpoints.notificationsSend.route
    const fields = yield* template(params, { method: "POST", path })
    return yield* execute({
      endpoint: endpoints.notificationsSend,
      path,
      attributes: { "ottu.channel": fields.channel, "ottu.template_id": fields.template_id },
      body: { _tag: "Json", value: fields },
      success: NotificationSent,
    })
  })

/**
 * Sends a template notification on one channel (`POST /b/pbl/v2/notifications/send/{channel}/`):
 * the same as {@link send}, the channel named in the path rather than in the body.
 *
 * @since 0.1.0
 * @category operations
 */
export const sendOn = (
  channel: Channel,
  params: SendOnInput,
): Effect.Effect<NotificationSent, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const route = endpoints.notificationsSendOn.route
    const { channel: checked, ...fields } = yield* template(
      { ...params, channel },
      { method: "POST", path: route },
    )
    return yield* execute({
      endpoint: endpoints.notificationsSendOn,
      path: pathOf(endpoints.notificationsSendOn, { channel: checked }),
      attributes: { "ottu.channel": checked, "ottu.template_id": fields.template_id },
      body: { _tag: "Json", value: fields },
      success: NotificationSent,
    })
  })
