/**
 * Flags the API commands share: optional text flags and how their values join the SDK's input.
 *
 * @module
 */
import * as Options from "@effect/cli/Options"
import * as Option from "effect/Option"

/** An optional text flag, as `{name: value}` when given (for the SDK's optional fields). */
export const given = <K extends string>(
  name: K,
  value: Option.Option<string>,
): { [P in K]?: string } =>
  Option.match(value, {
    onNone: () => ({}),
    onSome: (v) => ({ [name]: v }) as { [P in K]: string },
  })

/** `--name TEXT`, optional. */
export const optionalText = (
  name: string,
  description: string,
): Options.Options<Option.Option<string>> =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

/** A comma-separated list (`knet,credit-card`), its items trimmed, empty ones dropped. */
export const commaList = (text: string): Array<string> =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
