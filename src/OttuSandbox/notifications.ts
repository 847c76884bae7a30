/**
 * The notification routes (API reference §11.6). Nothing is sent: every notification is logged
 * in the state, for the control API's `notifications`.
 *
 * * `POST /b/pbl/v2/message-notification/`: re-sends the named transaction's notification for its
 *   current event, on each channel given whose `notifications` settings include that event and
 *   for which the session has a contact (`customer_phone` for SMS and WhatsApp,
 *   `customer_email` for e-mail). 200 `{"message": "Customer notified."}`; when no channel can
 *   notify, 400 `{session_id | order_no, channels, result: "failed"}`; an unknown transaction 404.
 * * `POST /b/pbl/v2/send-notification/` and `POST /b/pbl/v2/notifications/send/{channel}/`: a
 *   template to one recipient (an e-mail address for e-mail, an international phone number for
 *   SMS and WhatsApp; WhatsApp needs `unit_config`). 200 `{"message": "Notification sent.",
 *   "result": "success"}`; field errors 400; an unknown channel in the path 400
 *   `{detail, result: "failed"}`.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { type Check, choice, email, type Fields, integer, object, text } from "./checks.ts"
import { failed, json, Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import {
  errorsOf,
  field,
  fieldErrors,
  listFieldsOf,
  listOf,
  type Rules,
  type Violation,
  validated,
} from "./rules.ts"
import {
  findTarget,
  missingTarget,
  type SandboxNotification,
  type SandboxSession,
  type SandboxState,
  type Target,
  targetOf,
  transact,
} from "./state.ts"

const channels = ["sms", "email", "whatsapp"] as const
type Channel = (typeof channels)[number]

const messageRules: Rules = {
  session_id: field(text(128)),
  order_no: field(text(128)),
  channels: listOf(choice(channels), { allowEmpty: false }),
}

const templateRules: Rules = {
  channel: field(choice(channels)),
  template_id: field(text()),
  to: field(text()),
  unit_config: field(integer),
  language: field(choice(["en", "ar"])),
  cc: listOf(email(254), { allowEmpty: true }),
  bcc: listOf(email(254), { allowEmpty: true }),
  subject: field(text()),
  body: field(text()),
  attachments: listOf(object, { allowEmpty: true }),
  trace_id: field(text(60)),
  tags: listOf(text(), { allowEmpty: true }),
}

const messageLists = listFieldsOf(messageRules)
const templateLists = listFieldsOf(templateRules)

const isEmail: Check = email(254)
const isPhone = (value: string) => /^\+[1-9]\d{6,14}$/.test(value)

/** The contact a session's notification on `channel` goes to, if it has one. */
const contactOf = (session: SandboxSession, channel: Channel): string | undefined => {
  const value =
    channel === "email" ? session.checkout.customer_email : session.checkout.customer_phone
  return typeof value === "string" ? value : undefined
}

/** The events a session's `notifications` settings enable on `channel`. */
const eventsOf = (session: SandboxSession, channel: Channel): ReadonlyArray<unknown> => {
  const settings = session.checkout.notifications
  const events =
    typeof settings === "object" && settings !== null ? (settings as Fields)[channel] : undefined
  return Array.isArray(events) ? events : []
}

/** The transition of one re-send: the notifications logged, or the 400 when none can go out. */
const resend =
  (target: Target, requested: ReadonlyArray<Channel>, now: number) =>
  (state: SandboxState): Either.Either<readonly [undefined, SandboxState], Reply> =>
    Either.gen(function* () {
      const session = yield* findTarget(state, target, failed)
      const event = session.state
      const sent = requested.flatMap((channel): ReadonlyArray<SandboxNotification> => {
        const to = contactOf(session, channel)
        return to !== undefined && eventsOf(session, channel).includes(event)
          ? [{ kind: "transaction", channel, to, session_id: session.session_id, event, at: now }]
          : []
      })
      if (sent.length === 0) {
        return yield* Either.left(
          new Reply({
            status: 400,
            body: { ...target, channels: requested, result: "failed" },
          }),
        )
      }
      return [undefined, { ...state, notifications: [...state.notifications, ...sent] }] as const
    })

/** POST message-notification/: re-sends the transaction's own notifications. */
export const resendNotifications = Effect.gen(function* () {
  const body = yield* readBody(messageLists)
  const fields = yield* validated(messageRules, body, ["channels"], fieldErrors)
  const target = targetOf(fields)
  if (target.session_id === undefined && target.order_no === undefined) {
    return yield* missingTarget
  }
  const now = yield* Clock.currentTimeMillis
  yield* transact(resend(target, fields.channels as ReadonlyArray<Channel>, now))
  return json(200, { message: "Customer notified." })
})

/** The rules of a template that span fields: the recipient fits the channel, WhatsApp's unit. */
const recipientRules = (channel: Channel, fields: Fields): ReadonlyArray<Violation> => {
  const to = String(fields.to)
  return [
    ...(channel === "email" && Either.isLeft(isEmail(to))
      ? [["to", "Enter a valid email address."] as const]
      : []),
    ...(channel !== "email" && !isPhone(to)
      ? [["to", "Enter a valid international phone number."] as const]
      : []),
    ...(channel === "whatsapp" && fields.unit_config === undefined
      ? [["unit_config", "This field is required for WhatsApp notifications."] as const]
      : []),
    ...(Array.isArray(fields.attachments)
      ? (fields.attachments as ReadonlyArray<Fields>).flatMap((attachment) =>
          attachment.content === undefined && attachment.url === undefined
            ? [["attachments", "Each attachment needs its content or a url."] as const]
            : [],
        )
      : []),
  ]
}

/** Validates a template on `channel` (from the body or the path) and logs it. */
const sendTemplate = (channel: Channel | undefined, fields: Fields) =>
  Effect.gen(function* () {
    const chosen = channel ?? (fields.channel as Channel)
    const errors = errorsOf(recipientRules(chosen, fields))
    if (Object.keys(errors).length > 0) return yield* fieldErrors(errors)
    const notification: SandboxNotification = {
      kind: "template",
      channel: chosen,
      to: String(fields.to),
      template_id: String(fields.template_id),
      language: fields.language === "ar" ? "ar" : "en",
      context: fields.context,
      at: yield* Clock.currentTimeMillis,
    }
    yield* transact((state: SandboxState) =>
      Either.right([
        undefined,
        { ...state, notifications: [...state.notifications, notification] },
      ] as const),
    )
    return json(200, { message: "Notification sent.", result: "success" })
  })

/** POST send-notification/: a template, the channel in the body. */
export const sendNotification = Effect.gen(function* () {
  const body = yield* readBody(templateLists)
  const fields = yield* validated(
    templateRules,
    body,
    ["channel", "template_id", "to"],
    fieldErrors,
  )
  return yield* sendTemplate(undefined, fields)
})

/** POST notifications/send/{channel}/: a template, the channel in the path. */
export const sendChannelNotification = Effect.gen(function* () {
  const { channel = "" } = yield* HttpRouter.params
  if (!(channels as ReadonlyArray<string>).includes(channel)) {
    return yield* failed(`"${channel}" is not a valid channel: use email, sms or whatsapp.`)
  }
  const body = yield* readBody(templateLists)
  const { channel: _ignored, ...rest } = body
  const fields = yield* validated(templateRules, rest, ["template_id", "to"], fieldErrors)
  return yield* sendTemplate(channel as Channel, fields)
})
