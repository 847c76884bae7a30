/**
 * What the `ottu` command prints: a value as JSON (`--json`) or as text, tables of rows, and a
 * failure in one line. Secrets never reach it: the values printed are Ottu's answers, events and
 * signatures, and errors print their tag, status and Ottu's detail.
 *
 * @module
 */
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import type * as Effect from "effect/Effect"

/** `--json`: machine-readable output, one JSON document per result. */
export const json: Options.Options<boolean> = Options.boolean("json").pipe(
  Options.withDescription("print machine-readable JSON instead of text"),
)

/** Prints `value` as one JSON line with `--json`, otherwise the text `human` makes of it. */
export const emit = <A>(
  asJson: boolean,
  value: A,
  human: (value: A) => string,
): Effect.Effect<void> => Console.log(asJson ? JSON.stringify(value) : human(value))

/** Aligned columns under a header; `-` for an absent cell. */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>,
): string => {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (cell == null || cell === "" ? "-" : String(cell)))),
  ]
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)))
  return cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
}

/** `label: value` lines for the fields that are present, labels aligned. */
export const fields = (entries: ReadonlyArray<readonly [string, unknown]>): string => {
  const present = entries.filter(
    ([, value]) => value !== undefined && value !== null && value !== "",
  )
  const width = Math.max(0, ...present.map(([label]) => label.length))
  return present
    .map(
      ([label, value]) =>
        `${`${label}:`.padEnd(width + 1)} ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
    )
    .join("\n")
}
