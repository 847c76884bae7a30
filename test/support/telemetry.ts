/**
 * A tracer and a logger that keep everything they are given, so tests can search spans and log
 * lines for secrets.
 *
 * @module
 */
import { Effect, type Exit, Logger, LogLevel, Tracer } from "effect"

/** What a span recorded. */
export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes?: Record<string, unknown> }>
  exit?: Exit.Exit<unknown, unknown>
}

/** A tracer recording into `spans`. */
const recordingTracer = (spans: Array<RecordedSpan>): Tracer.Tracer =>
  Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const record: RecordedSpan = { name, attributes: new Map(), events: [] }
      spans.push(record)
      return {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        links,
        sampled: true,
        kind,
        end: (_endTime, exit) => {
          record.exit = exit
        },
        attribute: (key, value) => {
          record.attributes.set(key, value)
        },
        event: (eventName, _time, attributes) => {
          record.events.push(
            attributes === undefined ? { name: eventName } : { name: eventName, attributes },
          )
        },
        addLinks: () => {},
      }
    },
    context: (f) => f(),
  })

/**
 * Runs `effect` with a recording tracer and a logger at every level; returns its exit with the
 * spans and the log lines (rendered in logfmt) it produced.
 */
export const captureTelemetry = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const spans: Array<RecordedSpan> = []
    const lines: Array<string> = []
    const logger = Logger.make((options) => {
      lines.push(Logger.logfmtLogger.log(options))
    })
    const exit = yield* effect.pipe(
      Effect.withTracer(recordingTracer(spans)),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.exit,
    )
    return { exit, spans, lines }
  })
