/**
 * Multipart bodies for requests that carry a file: reading the file (a path, bytes or a Blob),
 * checking its name, and flattening the other fields into form fields.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { OttuInvalidInputError } from "../OttuError.ts"
import { invalid, type Target } from "./input.ts"

/**
 * A file to attach: a path on disk (read with `node:fs`, available on Deno, Bun and Node), raw
 * bytes, a `Blob` or `File`, or bytes or a Blob with an explicit file name.
 *
 * @since 0.1.0
 * @category models
 */
export type FileInput =
  | string
  | Uint8Array
  | Blob
  | { readonly name: string; readonly data: Uint8Array | Blob }

/** The file extensions Ottu accepts for attachments. */
export const allowedExtensions = ["pdf", "jpeg", "png", "doc", "docx", "jpg", "xls", "xlsx", "txt"]

/** The name ottu-py gives a file that has none. */
const defaultName = "attachment.pdf"

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path

const toBlob = (data: Uint8Array | Blob): Blob =>
  data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>])

const readPath = (
  path: string,
  target: Target,
  field: string,
): Effect.Effect<Blob, OttuInvalidInputError> =>
  Effect.tryPromise({
    try: async () => {
      const fs = await import("node:fs/promises")
      return new Blob([await fs.readFile(path)])
    },
    catch: (cause) =>
      invalid(target, field, `cannot read the file ${path}: ${(cause as Error).message ?? cause}`),
  })

/** A named blob with a checked name: an allowed extension and at most 100 characters. */
export const resolveFile = (
  input: FileInput,
  target: Target,
  field: string,
): Effect.Effect<{ readonly name: string; readonly blob: Blob }, OttuInvalidInputError> => {
  const name =
    typeof input === "string"
      ? baseName(input)
      : input instanceof Uint8Array
        ? defaultName
        : input instanceof Blob
          ? input instanceof File && input.name !== ""
            ? input.name
            : defaultName
          : input.name
  const extension = name.includes(".") ? (name.split(".").pop() ?? "").toLowerCase() : ""
  if (!allowedExtensions.includes(extension)) {
    return Effect.fail(
      invalid(target, field, `file extension must be one of ${allowedExtensions.join(", ")}`),
    )
  }
  if (name.length > 100) {
    return Effect.fail(invalid(target, field, "the file name must be at most 100 characters"))
  }
  const blob =
    typeof input === "string"
      ? readPath(input, target, field)
      : Effect.succeed(
          toBlob(input instanceof Uint8Array || input instanceof Blob ? input : input.data),
        )
  return Effect.map(blob, (blob) => ({ name, blob }))
}

const scalar = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"

/**
 * Form data for `fields` plus the file under `fileField`. Lists of scalars repeat their field,
 * booleans become `true`/`false`; `null` and `undefined` are left out. A nested object cannot be
 * sent as a form field: it is rejected, naming the fields.
 */
export const formData = (
  fields: Readonly<Record<string, unknown>>,
  file: { readonly field: string; readonly name: string; readonly blob: Blob },
  target: Target,
): Effect.Effect<FormData, OttuInvalidInputError> => {
  const form = new FormData()
  const nested: Array<string> = []
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue
    if (scalar(value)) form.append(key, String(value))
    else if (Array.isArray(value) && value.every(scalar)) {
      for (const item of value) form.append(key, String(item))
    } else nested.push(key)
  }
  if (nested.length > 0) {
    return Effect.fail(
      invalid(
        target,
        nested.join(", "),
        "nested objects cannot be sent together with a file; upload the file first " +
          "(Checkout.uploadAttachment) and pass its file_url as attachment_upload_url",
      ),
    )
  }
  form.append(file.field, file.blob, file.name)
  return Effect.succeed(form)
}
