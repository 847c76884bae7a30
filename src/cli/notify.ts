/**
 * `ottu notify <session_id> --channel sms|email|whatsapp`: re-sends a transaction's own
 * notifications (`Notifications.resend`) on the channels given, for its current event. Never
 * retried: a repeat could notify the customer twice.
 *
 * @module
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Notifications from "../Notifications.ts"
import * as Connection from "./connection.ts"
import { emit, fields, json } from "./output.ts"

/** `ottu notify …`. */
export const notify = Command.make(
  "notify",
  {
    connection: Connection.flags,
    sessionId: Args.text({ name: "session_id" }),
    channels: Options.choice("channel", ["sms", "email", "whatsapp"]).pipe(
      Options.withDescription("a channel to re-send on (repeat for several)"),
      Options.atLeast(1),
    ),
    json,
  },
  (input) =>
    Notifications.resend({ session_id: input.sessionId }, input.channels).pipe(
      Effect.flatMap((answer) =>
        emit(input.json, answer, (a) =>
          fields([
            ["session_id", input.sessionId],
            ["channels", input.channels.join(", ")],
            ["message", a.message],
          ]),
        ),
      ),
      Effect.provide(Connection.layer(input.connection)),
    ),
).pipe(
  Command.withDescription(
    "re-send a transaction's notifications for its current event (as its settings allow)",
  ),
)
