/**
 * The Python peer: ottu-py cannot be installed offline (PyPI is unreachable; only Debian's
 * packages are), so the orchestrator measures its transport instead, an httpx client doing the
 * same POST (`peer_httpx.py`), wherever a Python with httpx is found; otherwise it says why not.
 *
 * @module
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { checkoutPath, headers, params, session } from "./fixture.ts"
import type { LatencyResult } from "./latency.ts"

const run = promisify(execFile)

/** A Python that can import httpx. */
export interface Python {
  readonly command: string
  /** `Python 3.11.2 + httpx 0.23.3`. */
  readonly versions: string
}

/** Why the Python peer was not measured, or the Python that measures it. */
export type PythonPeer =
  | { readonly _tag: "Found"; readonly python: Python }
  | { readonly _tag: "Missing"; readonly reason: string }

/** Interpreters tried in order: the one on `PATH`, then Debian's (where `python3-httpx` goes). */
const candidates = ["python3", "/usr/bin/python3"]

const probe = "import sys, httpx; print(sys.version.split()[0], httpx.__version__)"

/** The first candidate that imports httpx, or why there is none. */
export const findPython = async (): Promise<PythonPeer> => {
  for (const command of candidates) {
    const found = await run(command, ["-c", probe]).then(
      ({ stdout }) => stdout.trim().split(" "),
      () => undefined,
    )
    if (found !== undefined)
      return {
        _tag: "Found",
        python: { command, versions: `Python ${found[0]} + httpx ${found[1]}` },
      }
  }
  return {
    _tag: "Missing",
    reason: `no Python with httpx (tried ${candidates.join(", ")}; apt-get install python3-httpx)`,
  }
}

const script = fileURLToPath(new URL("peer_httpx.py", import.meta.url))

/** One run of the httpx client against the stand-in at `baseUrl`. */
export const runPython = async (
  python: Python,
  baseUrl: string,
  counts: { readonly requests: number; readonly concurrent: number; readonly warmup: number },
): Promise<LatencyResult> => {
  const { stdout } = await run(python.command, [
    ...[script, baseUrl + checkoutPath, JSON.stringify(headers), JSON.stringify(params)],
    ...[session.session_id, String(counts.requests), String(counts.concurrent)],
    String(counts.warmup),
  ])
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as LatencyResult
}
