/**
 * The quickstart, run as its own process on the runtime that runs the tests, pointed through
 * `OTTU_*` variables at a sandbox served over loopback: the path a merchant takes with a real
 * Ottu instance.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Redacted } from "effect"
import { serveSandboxForTests } from "../support/serve.ts"

const apiKey = "quickstart-env-key"
const served = serveSandboxForTests({ apiKey: Redacted.make(apiKey), host: "shop.ottu.test" })

const root = fileURLToPath(new URL("../../", import.meta.url))

/** How the running runtime runs a TypeScript file. */
const command = (file: string): ReadonlyArray<string> =>
  "Deno" in globalThis
    ? ["run", "-A", file]
    : "Bun" in globalThis
      ? [file]
      : ["--import", "tsx", file]

const run = (env: Record<string, string>) =>
  new Promise<{ readonly code: number | null; readonly out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [...command("examples/quickstart.ts")], {
      cwd: root,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", ...env },
    })
    let out = ""
    child.stdout.on("data", (chunk) => {
      out += String(chunk)
    })
    child.stderr.on("data", (chunk) => {
      out += String(chunk)
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, out }))
  })

describe("examples/quickstart.ts with OTTU_* set", () => {
  it("talks to the configured instance", async () => {
    const { code, out } = await run({
      OTTU_MERCHANT_ID: "shop.ottu.test",
      OTTU_API_KEY: apiKey,
      OTTU_BASE_URL: served().url,
    })
    expect(out).toMatch(/session id: {3}[0-9a-f]{40}/)
    expect(out).toContain("checkout URL: https://shop.ottu.test/b/checkout/redirect/start/")
    expect(out).toContain("updated:      25.500 KWD")
    expect(code).toBe(0)
  })

  it("fails with a typed error and a non-zero exit on a wrong key", async () => {
    const { code, out } = await run({
      OTTU_MERCHANT_ID: "shop.ottu.test",
      OTTU_API_KEY: "wrong-key",
      OTTU_BASE_URL: served().url,
    })
    expect(out).toContain("OttuUnauthorizedError")
    expect(out).not.toContain("wrong-key")
    expect(code).toBe(1)
  })
})
