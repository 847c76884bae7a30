/**
 * A consumer of the store, type-checked only in the projects that install the optional SQL
 * peers: `effect-ottu/CheckoutStore` and its `@effect/sql` types resolve from the package.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as CheckoutStore from "effect-ottu/CheckoutStore"

export const onSql: Layer.Layer<
  CheckoutStore.CheckoutStore,
  CheckoutStore.OttuStoreError,
  SqlClient.SqlClient
> = CheckoutStore.layerSql

export const stored: Effect.Effect<Option.Option<CheckoutStore.StoredCheckout>> = CheckoutStore.get(
  "session-1",
).pipe(Effect.orDie, Effect.provide(CheckoutStore.layerMemory))
