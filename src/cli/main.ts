#!/usr/bin/env node
/**
 * The `ottu` command line: the entry point. Runs from a checkout with
 * `deno run -A src/cli/main.ts <command>` or `bun src/cli/main.ts <command>`, and installed as
 * the package's `ottu` bin (`npx ottu`), built into `dist/cli/main.js`.
 *
 * @module
 */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { version } from "../internal/version.ts"
import { Reported, reportFailure } from "./failure.ts"
import { invoice } from "./invoice.ts"
import { notify } from "./notify.ts"
import { commands } from "./payments.ts"
import { raw } from "./raw.ts"
import { reports } from "./reports.ts"
import { sandbox } from "./sandbox.ts"
import { store } from "./store.ts"
import { wallet } from "./wallet.ts"
import { webhook } from "./webhook.ts"

const ottu = Command.make("ottu").pipe(
  Command.withDescription("the Ottu payment gateway from the terminal (effect-ottu)"),
  Command.withSubcommands([
    webhook,
    sandbox,
    ...commands,
    invoice,
    notify,
    reports,
    wallet,
    raw,
    store,
  ]),
)

const cli = Command.run(ottu, { name: "ottu", version })

cli(process.argv).pipe(
  reportFailure,
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) =>
      onExit(
        Exit.match(exit, {
          onSuccess: () => 0,
          onFailure: (cause) =>
            Option.match(Cause.failureOption(cause), {
              onSome: (error) => (error instanceof Reported ? error.code : 1),
              onNone: () => (Cause.isInterruptedOnly(cause) ? 130 : 1),
            }),
        }),
      ),
  }),
)
