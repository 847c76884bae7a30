/**
 * Paged reads: the page a page function answers (its items, the total, and the parameters of the
 * next page), the `Stream` that fetches pages only as they are consumed, and the check of the
 * `next` links of Ottu's offset-paged answers.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/**
 * One page of a paged read: its `items`, Ottu's `count`, and `next`, the parameters that fetch
 * the following page (give them to the same page function), `None` on the last page.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A, P> {
  readonly items: ReadonlyArray<A>
  readonly count: number
  readonly next: Option.Option<P>
}

/**
 * Every item of every page, starting with the page of `first`. A page is requested only when the
 * consumer pulls past the items of the one before (nothing is fetched ahead), the stream ends
 * after the page without `next`, and a failed page ends it with that page's error.
 */
export const pages = <A, P, E, R>(
  first: P,
  page: (params: P) => Effect.Effect<Page<A, P>, E, R>,
): Stream.Stream<A, E, R> =>
  Stream.paginateChunkEffect(first, (params) =>
    Effect.map(page(params), ({ items, next }) => [Chunk.fromIterable(items), next] as const),
  )

/**
 * The query of an offset-paged answer's `next` link, or why the link is refused. The link must
 * be an absolute URL on the configured host with the endpoint's path: its query is then sent by
 * the SDK to the configured base URL, so the credentials never go where a link points.
 */
export const nextQuery = (
  link: string | null | undefined,
  baseUrl: string,
  route: string,
): Either.Either<Option.Option<URLSearchParams>, string> => {
  if (link === null || link === undefined) return Either.right(Option.none())
  let url: URL
  try {
    url = new URL(link)
  } catch {
    return Either.left("the next page link is not an absolute URL")
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left("the next page link is not an http(s) URL")
  }
  if (url.hostname !== new URL(baseUrl).hostname) {
    return Either.left(`the next page link points to another host (${url.hostname})`)
  }
  if (url.pathname !== route) {
    return Either.left(`the next page link is not the path ${route}`)
  }
  return Either.right(Option.some(url.searchParams))
}
