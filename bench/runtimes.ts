/**
 * How the orchestrator runs a benchmark script on each runtime, one fresh process per sample,
 * and reads the JSON line the script reports.
 *
 * @module
 */
import { spawn } from "node:child_process"
import process from "node:process"
import { fileURLToPath } from "node:url"
import type { Runtime } from "./measure.ts"
import type { NodeBuild } from "./nodeBuild.ts"
import type { StandInUrls } from "./standIn.ts"

/** The runtimes, in the order the table shows them. */
export const runtimes: ReadonlyArray<Runtime> = ["node", "bun", "deno"]

/** A benchmark script that runs in a child process. */
export type Script = "overhead" | "coldStart"

const root = new URL("../", import.meta.url)
const bin = (name: string) => fileURLToPath(new URL(`node_modules/.bin/${name}`, root))
const script = (name: Script) => fileURLToPath(new URL(`bench/${name}.ts`, root))

/** The command line that runs `name` with `args` on `runtime`. */
export const commandOf = (
  build: NodeBuild,
  runtime: Runtime,
  name: Script,
  args: ReadonlyArray<string>,
): ReadonlyArray<string> => {
  switch (runtime) {
    case "node":
      return [process.execPath, build[name], ...args]
    case "bun":
      return [bin("bun"), script(name), ...args]
    case "deno":
      return [bin("deno"), "run", "-A", script(name), ...args]
  }
}

/** The environment of every child: no update checks, no colours. */
const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }

/**
 * Runs `command` (with `extraEnv` added to the environment) and returns what it printed on
 * standard output; fails on a non-zero exit.
 */
const output = (
  command: ReadonlyArray<string>,
  extraEnv: Record<string, string> = {},
): Promise<string> =>
  new Promise((resolve, reject) => {
    const [file = "", ...args] = command
    const child = spawn(file, args, {
      cwd: fileURLToPath(root),
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => {
      stdout += chunk
    })
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    child.on("error", reject)
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${command.join(" ")} exited with ${code}:\n${stderr}`)),
    )
  })

/** Runs `command` (with `extraEnv`) and parses the last line it printed as JSON. */
export const readReport = async <A>(
  command: ReadonlyArray<string>,
  extraEnv: Record<string, string> = {},
): Promise<A> => {
  const lines = (await output(command, extraEnv)).trim().split("\n")
  return JSON.parse(lines[lines.length - 1] ?? "") as A
}

/** The version each runtime reports. */
export const versions = async (): Promise<Record<Runtime, string>> => {
  const firstLine = async (command: ReadonlyArray<string>) =>
    (await output(command)).split("\n")[0]?.trim() ?? ""
  const deno = await firstLine([bin("deno"), "--version"])
  return {
    node: `node ${process.version.slice(1)}`,
    bun: `bun ${await firstLine([bin("bun"), "--version"])}`,
    deno: deno.split(" ").slice(0, 2).join(" "),
  }
}

/** A running stand-in: its base URL per transport, and how to stop it. */
export interface StandIn {
  readonly urls: StandInUrls
  readonly stop: () => void
}

/** Starts the stand-in on Node (serving HTTPS with `tls` when given) and waits for its ports. */
export const startStandIn = (
  build: NodeBuild,
  tls?: { readonly cert: string; readonly key: string },
): Promise<StandIn> =>
  new Promise((resolve, reject) => {
    const args = tls === undefined ? [] : ["--cert", tls.cert, "--key", tls.key]
    const child = spawn(process.execPath, [build.standIn, ...args], {
      env,
      stdio: ["pipe", "pipe", "inherit"],
    })
    let seen = ""
    child.on("error", reject)
    child.on("exit", (code) => reject(new Error(`the stand-in exited with ${code}`)))
    child.stdout.on("data", (chunk) => {
      seen += chunk
      const urls = /listening (.*)\n/.exec(seen)?.[1]
      if (urls === undefined) return
      resolve({ urls: JSON.parse(urls) as StandInUrls, stop: () => child.stdin.end() })
    })
  })
