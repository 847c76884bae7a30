/**
 * The payment-methods route (`POST /b/pbl/v2/payment-methods/`, API reference §6): the filters
 * it accepts, how they select gateways from the catalogue, and the `PGPaymentMethods` entries it
 * answers with.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { boolean, choice, currencyCode, text } from "./checks.ts"
import {
  assetUrl,
  type Gateway,
  gateways,
  gatewayTags,
  type Plugin,
  paymentOperations,
  paymentServiceCodes,
  plugins,
} from "./gateways.ts"
import { json } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, listOf, type Rules, validated } from "./rules.ts"
import { SandboxEnv } from "./state.ts"

const paymentMethodsRules: Rules = {
  plugin: field(choice(plugins)),
  currencies: listOf(currencyCode, { allowEmpty: true }),
  customer_id: field(text(64)),
  operation: field(choice(paymentOperations)),
  tokenizable: field(boolean),
  auto_debit: field(boolean),
  pg_names: listOf(text(), { allowEmpty: true }),
  type: field(choice(["sandbox", "production"])),
  tags: listOf(choice(gatewayTags), { allowEmpty: true }),
  payment_services: listOf(choice(paymentServiceCodes), { allowEmpty: true }),
}

const paymentMethodsListFields = listFieldsOf(paymentMethodsRules)

/** The validated payment-methods filters (the rules above guarantee these types). */
interface PaymentMethodsFilters {
  readonly plugin: Plugin
  readonly currencies?: ReadonlyArray<string>
  readonly operation?: string
  readonly tokenizable?: boolean
  readonly auto_debit?: boolean
  readonly pg_names?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  readonly payment_services?: ReadonlyArray<string>
}

/** An OR filter: passes when nothing is asked for or when one wanted value is offered. */
const anyOf = (wanted: ReadonlyArray<string> | undefined, offered: ReadonlyArray<string>) =>
  wanted === undefined || wanted.length === 0 || wanted.some((value) => offered.includes(value))

const matchesFilters = (filters: PaymentMethodsFilters) => (gateway: Gateway) =>
  gateway.plugins.includes(filters.plugin) &&
  anyOf(filters.currencies, gateway.accepted_currencies) &&
  anyOf(filters.pg_names, [gateway.pg]) &&
  anyOf(filters.tags, gateway.tags) &&
  anyOf(
    filters.payment_services,
    gateway.payment_services.map((service) => service.code),
  ) &&
  (filters.operation === undefined || filters.operation === gateway.operation) &&
  (filters.tokenizable !== true || gateway.is_tokenizable) &&
  (filters.auto_debit !== true || gateway.auto_debit_enabled)

/** A `PGPaymentMethods` entry. */
const describeGateway = (host: string) => (gateway: Gateway) => ({
  code: gateway.code,
  name: gateway.name,
  is_sandbox: true,
  logo: assetUrl(host, gateway.code, "png"),
  wallets: gateway.wallets,
  payment_services: gateway.payment_services,
  default_currency: gateway.default_currency,
  accepted_currencies: gateway.accepted_currencies,
  operation: gateway.operation,
  operations: gateway.operations,
  is_tokenizable: gateway.is_tokenizable,
  auto_debit_enabled: gateway.auto_debit_enabled,
  tags: gateway.tags,
})

/** POST: the catalogue's gateways that match the filters. */
export const listPaymentMethods = Effect.gen(function* () {
  const { host } = yield* SandboxEnv
  const body = yield* readBody(paymentMethodsListFields)
  const filters = yield* validated(paymentMethodsRules, body, ["plugin"], fieldErrors)
  return json(200, {
    customer_payment_methods: [],
    payment_methods: gateways
      .filter(matchesFilters(filters as unknown as PaymentMethodsFilters))
      .map(describeGateway(host)),
  })
})
