/**
 * Reports and the wallet: list report files page by page as a Stream, download the newest one as
 * a byte Stream (counting its bytes and lines), and read a customer's wallet entries.
 *
 * Runs on the embedded sandbox (which gets a few reports and wallet operations first) unless
 * `OTTU_MERCHANT_ID` and `OTTU_API_KEY` are set; then `OTTU_CUSTOMER_ID` names the customer.
 *
 *   deno run -A examples/reports.ts
 *   bun examples/reports.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Checkout, OttuConfig, OttuSandbox, Reports, Wallet } from "../src/index.ts"
import { OttuLive, run } from "./ottu.ts"

/** On the sandbox: a paid session (for the default report's CSV), reports and wallet activity. */
const seedSandbox = Effect.flatMap(Effect.serviceOption(OttuSandbox.OttuSandbox), (sandbox) =>
  Option.match(sandbox, {
    onNone: () => Effect.void,
    onSome: (service) =>
      Effect.gen(function* () {
        const session = yield* Checkout.create({
          type: "e_commerce",
          amount: "12.500",
          currency_code: "KWD",
          pg_codes: [OttuSandbox.pgCodes.knet],
        })
        yield* OttuSandbox.pay(session.session_id)
        for (const name of ["October", "November"]) {
          yield* OttuSandbox.addReport({ report_name: `Monthly ${name}`, interval: "monthly" })
        }
        yield* OttuSandbox.addReport({ report_name: "Daily transactions" })
        const customer_id = "cust-example"
        yield* OttuSandbox.walletOperation({ customer_id, currency: "KWD", amount: "20" })
        yield* OttuSandbox.walletOperation({
          customer_id,
          currency: "KWD",
          amount: "7.250",
          operation_type: "deduction",
          session_id: session.session_id,
        })
      }).pipe(Effect.provideService(OttuSandbox.OttuSandbox, service)),
  }),
)

const program = Effect.gen(function* () {
  yield* seedSandbox

  // Two reports a page: the stream asks for the next page only when it gets there.
  yield* Reports.stream({ limit: 2 }).pipe(
    Stream.runForEach((report) =>
      Console.log(`report    ${report.report_name} (${report.interval}, ${report.created_at})`),
    ),
  )

  const [newest] = (yield* Reports.list({ limit: 1 })).items
  if (newest !== undefined) {
    const file = yield* Reports.download(newest)
    const { bytes, lines } = yield* Stream.runFold(
      file.body,
      { bytes: 0, lines: 0 },
      (total, chunk) => ({
        bytes: total.bytes + chunk.byteLength,
        lines: total.lines + chunk.filter((byte) => byte === 10).length,
      }),
    )
    yield* Console.log(
      `download  ${file.fileName ?? newest.report_name}: ${file.contentType}, ${bytes} bytes, ${lines} lines`,
    )
  }

  const { customerId } = yield* OttuConfig.OttuConfig
  const entries = Wallet.entriesStream({
    ...(customerId === undefined ? {} : { customer_id: customerId }),
    currency: "KWD",
  })
  yield* entries.pipe(
    Stream.runForEach((entry) =>
      Console.log(
        `wallet    ${entry.entry_type} ${entry.direction} ${entry.amount} ${entry.currency}`,
      ),
    ),
    // A customer without a KWD wallet account: Ottu answers 400.
    Effect.catchTag("OttuBadRequestError", (e) => Console.log(`wallet    ${e.detail}`)),
  )
})

run(program.pipe(Effect.provide(OttuLive)))
