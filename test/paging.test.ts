/**
 * Paged reads as Streams: a page is requested only when the consumer pulls past the one before,
 * the stream ends at the last page, a failed page ends it with the typed error, and a `next` link
 * that leaves the configured host or the endpoint's path is refused (nothing is sent to it).
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Option, Stream } from "effect"
import { Reports } from "../src/index.ts"
import { nextQuery, pages } from "../src/internal/paging.ts"
import type { Recorded, Reply } from "./support/recording.ts"
import { reportBody } from "./support/reports.ts"
import { failureOf, merchantId, runRecorded, successOf } from "./support/setup.ts"

const route = "/b/api/v1/reports/files/"
const base = `https://${merchantId}`

/** Ottu's offset pages over `total` reports, `limit` a page, with links on `host`. */
const offsetPages =
  (total: number, host = merchantId) =>
  (req: Recorded): Reply => {
    const limit = Number(req.url.searchParams.get("limit") ?? "10")
    const offset = Number(req.url.searchParams.get("offset") ?? "0")
    const end = Math.min(total, offset + limit)
    const link = (at: number) => `https://${host}${route}?limit=${limit}&offset=${at}`
    return {
      status: 200,
      json: {
        count: total,
        next: end < total ? link(end) : null,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        results: Array.from({ length: end - offset }, (_, i) => reportBody(offset + i)),
      },
    }
  }

const names = (reports: Chunk.Chunk<Reports.ReportFile>) =>
  Chunk.toArray(reports).map((r) => r.encrypted_id)

describe("a paged read as a Stream", () => {
  it.effect("take(3) from a 3-per-page listing sends exactly one request", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Stream.runCollect(Stream.take(Reports.stream({ limit: 3 }), 3)),
        offsetPages(10),
      )
      expect(names(successOf(exit))).toEqual(["enc-0", "enc-1", "enc-2"])
      expect(requests).toHaveLength(1)
      expect(requests[0]?.url.search).toBe("?limit=3")
    }),
  )

  it.effect("take(4) sends two, the second with the offset of the next link", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Stream.runCollect(Stream.take(Reports.stream({ limit: 3, interval: "daily" }), 4)),
        offsetPages(10),
      )
      expect(names(successOf(exit))).toEqual(["enc-0", "enc-1", "enc-2", "enc-3"])
      expect(requests.map((r) => r.url.href)).toEqual([
        `${base}${route}?interval=daily&limit=3`,
        `${base}${route}?limit=3&offset=3`,
      ])
    }),
  )

  it.effect("nothing is requested before the stream is pulled", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Effect.succeed(Reports.stream({ limit: 3 })),
        offsetPages(10),
      )
      expect(requests).toHaveLength(0)
    }),
  )

  it.effect("ends at the last page", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Stream.runCollect(Reports.stream({ limit: 4 })),
        offsetPages(10),
      )
      expect(names(successOf(exit))).toEqual(Array.from({ length: 10 }, (_, i) => `enc-${i}`))
      expect(requests.map((r) => r.url.searchParams.get("offset"))).toEqual([null, "4", "8"])
    }),
  )

  it.effect("an empty listing is an empty stream after one request", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Stream.runCollect(Reports.stream()),
        offsetPages(0),
      )
      expect(Chunk.size(successOf(exit))).toBe(0)
      expect(requests).toHaveLength(1)
    }),
  )

  it.effect("a failed page ends the stream with its typed error, after the items before", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const { exit, requests } = yield* runRecorded(
        Stream.runForEach(Reports.stream({ limit: 2 }), (report) =>
          Effect.sync(() => seen.push(report.encrypted_id)),
        ),
        (req) =>
          req.url.searchParams.get("offset") === "2"
            ? { status: 403, json: { detail: "You do not have permission." } }
            : offsetPages(10)(req),
      )
      expect(seen).toEqual(["enc-0", "enc-1"])
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuForbiddenError", status: 403 })
      expect(requests).toHaveLength(2)
    }),
  )

  it.effect("a next link to another host is refused: nothing is sent there", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Stream.runCollect(Reports.stream({ limit: 2 })),
        offsetPages(10, "attacker.example"),
      )
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "OttuDecodeError", path: route })
      if (error._tag === "OttuDecodeError") expect(error.reason).toContain("another host")
      expect(requests).toHaveLength(1)
      expect(requests.every((r) => r.url.hostname === merchantId)).toBe(true)
    }),
  )

  it.effect("a next link to another path, or with unknown parameters, is refused", () =>
    Effect.gen(function* () {
      for (const next of [
        `${base}/b/pbl/v2/card/?limit=2&offset=2`,
        `${base}${route}?limit=2&offset=2&page_token=x`,
        "/b/api/v1/reports/files/?offset=2",
      ]) {
        const { exit, requests } = yield* runRecorded(Reports.list({ limit: 2 }), {
          status: 200,
          json: { count: 10, next, previous: null, results: [reportBody(0)] },
        })
        expect(failureOf(exit)._tag).toBe("OttuDecodeError")
        expect(requests).toHaveLength(1)
      }
    }),
  )

  it.effect("the next page goes to the configured base URL whatever the link's scheme", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Reports.list({ limit: 2 }), {
        status: 200,
        json: {
          count: 10,
          next: `http://${merchantId}${route}?limit=2&offset=2&source=auto`,
          previous: null,
          results: [reportBody(0), reportBody(1)],
        },
      })
      expect(successOf(exit).next).toEqual(Option.some({ limit: 2, offset: 2, source: "auto" }))
    }),
  )
})

describe("paging helpers", () => {
  it("nextQuery: none for no link, the query for a link on the host and path", () => {
    expect(nextQuery(null, base, route)).toEqual(Either.right(Option.none()))
    const query = nextQuery(`${base}${route}?offset=4`, base, route)
    expect(
      Either.map(
        query,
        Option.map((q) => q.get("offset")),
      ),
    ).toEqual(Either.right(Option.some("4")))
    expect(Either.isLeft(nextQuery("ftp://merchant.ottu.test/x", base, route))).toBe(true)
    expect(Either.isLeft(nextQuery("not a url", base, route))).toBe(true)
  })

  it.effect("pages: a page is fetched only when the consumer pulls past the one before", () =>
    Effect.gen(function* () {
      const fetched: Array<number> = []
      const numbers = pages(0, (at: number) =>
        Effect.sync(() => {
          fetched.push(at)
          return {
            items: [at * 2, at * 2 + 1],
            count: 6,
            next: at < 2 ? Option.some(at + 1) : Option.none(),
          }
        }),
      )
      expect(Chunk.toArray(yield* Stream.runCollect(Stream.take(numbers, 2)))).toEqual([0, 1])
      expect(fetched).toEqual([0])
      expect(Chunk.toArray(yield* Stream.runCollect(numbers))).toEqual([0, 1, 2, 3, 4, 5])
      expect(fetched).toEqual([0, 0, 1, 2])
    }),
  )
})
