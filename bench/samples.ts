/**
 * What the latency benchmark measures on each runtime: which clients run against which of the
 * stand-in's transports, and whether a run also measures 32 requests in flight. One run of one
 * client on one transport is a sample, named `client/transport`.
 *
 * @module
 */
import type { ClientName } from "./clients.ts"
import type { Transport } from "./standIn.ts"

/** The clients measured on one transport. */
export interface TransportPlan {
  readonly clients: ReadonlyArray<ClientName>
  /** Whether the runs also measure {@link concurrency} requests in flight. */
  readonly concurrent: boolean
}

/** The SDK's clients: on `FetchHttpClient`, and on its own lean transport. */
export const sdkClients: ReadonlyArray<ClientName> = ["sdk", "lean"]

/**
 * Every transport's clients: peers on framed HTTP only, the SDK and its floor everywhere, the
 * floor of a new connection per call over HTTPS (where it costs a handshake).
 */
export const plan: Readonly<Record<Transport, TransportPlan>> = {
  http: { clients: ["fetch", "platform", ...sdkClients, "stripe"], concurrent: true },
  chunked: { clients: ["fetch", ...sdkClients], concurrent: false },
  https: { clients: ["fetch", "fresh", ...sdkClients], concurrent: true },
}

/** The name of one client's runs on one transport. */
export type SampleKey = `${ClientName}/${Transport}`

/** One client on one transport. */
export interface Sample {
  readonly key: SampleKey
  readonly client: ClientName
  readonly transport: Transport
  readonly concurrent: boolean
}

/** The name of `client`'s runs on `transport`. */
export const sampleKey = (client: ClientName, transport: Transport): SampleKey =>
  `${client}/${transport}`

/** Every sample of a round on the given transports, in a fixed order. */
export const samplesOn = (transports: ReadonlyArray<Transport>): ReadonlyArray<Sample> =>
  transports.flatMap((transport) =>
    plan[transport].clients.map((client) => ({
      key: sampleKey(client, transport),
      client,
      transport,
      concurrent: plan[transport].concurrent,
    })),
  )
