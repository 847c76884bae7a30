/**
 * Ottu's invoice arithmetic (API reference §11.5): the totals of every item and of the invoice,
 * computed the way Ottu computes them (each step rounded half up to the currency's decimals), on
 * exact decimals (`bigint` units and a scale), never on JavaScript numbers. The SDK checks the
 * totals a caller gives against it before sending; the sandbox computes its answers with it.
 *
 * @internal
 */
import { minorUnits } from "../internal/currency.ts"

/** An exact decimal: `units / 10^scale`. */
interface Decimal {
  readonly units: bigint
  readonly scale: number
}

const pow10 = (n: number): bigint => 10n ** BigInt(n)

/** The decimal of a plain, non-negative decimal string (the callers validated its form). */
const parse = (text: string): Decimal => {
  const [integer = "", fraction = ""] = text.split(".")
  return { units: BigInt(`${integer}${fraction}` || "0"), scale: fraction.length }
}

const rescale = (d: Decimal, scale: number): bigint => d.units * pow10(scale - d.scale)

const add = (a: Decimal, b: Decimal): Decimal => {
  const scale = Math.max(a.scale, b.scale)
  return { units: rescale(a, scale) + rescale(b, scale), scale }
}

const negate = (d: Decimal): Decimal => ({ units: -d.units, scale: d.scale })

const multiply = (a: Decimal, b: Decimal): Decimal => ({
  units: a.units * b.units,
  scale: a.scale + b.scale,
})

/** `amount × rate / 100`, exactly. */
const percentOf = (amount: Decimal, rate: Decimal): Decimal => {
  const product = multiply(amount, rate)
  return { units: product.units, scale: product.scale + 2 }
}

/** Rounds to `decimals` places, half away from zero (Python's `ROUND_HALF_UP`). */
const round = (d: Decimal, decimals: number): Decimal => {
  if (d.scale <= decimals) return { units: rescale(d, decimals), scale: decimals }
  const divisor = pow10(d.scale - decimals)
  const quotient = d.units / divisor
  const remainder = d.units % divisor
  const magnitude = remainder < 0n ? -remainder : remainder
  const step = 2n * magnitude >= divisor ? (d.units < 0n ? -1n : 1n) : 0n
  return { units: quotient + step, scale: decimals }
}

const compare = (a: Decimal, b: Decimal): number => {
  const scale = Math.max(a.scale, b.scale)
  const difference = rescale(a, scale) - rescale(b, scale)
  return difference === 0n ? 0 : difference < 0n ? -1 : 1
}

/** The text of a decimal already at `decimals` places (`12500n`, 3 gives `"12.500"`). */
const format = (d: Decimal): string => {
  const sign = d.units < 0n ? "-" : ""
  const digits = (d.units < 0n ? -d.units : d.units).toString().padStart(d.scale + 1, "0")
  const whole = digits.slice(0, digits.length - d.scale)
  return d.scale === 0 ? `${sign}${whole}` : `${sign}${whole}.${digits.slice(-d.scale)}`
}

const zero: Decimal = { units: 0n, scale: 0 }

/** True when the plain decimal string `a` is greater than `b`. */
export const exceeds = (a: string, b: string): boolean => compare(parse(a), parse(b)) > 0

/** True when two plain decimal strings are the same number (`"20.5"` and `"20.500"`). */
export const sameDecimal = (a: string, b: string): boolean => compare(parse(a), parse(b)) === 0

/** The priced fields of one invoice item, as decimal strings. */
export interface ItemPricing {
  readonly quantity: string
  readonly unit_price: string
  readonly tax_rate?: string | undefined
  readonly discount_amount?: string | undefined
  readonly discount_percentage?: string | undefined
}

/** The priced fields of an invoice, as decimal strings. */
export interface InvoicePricing {
  readonly currency_code: string
  readonly invoice_items: ReadonlyArray<ItemPricing>
  readonly tax_rate?: string | undefined
  readonly discount_amount?: string | undefined
  readonly discount_percentage?: string | undefined
  readonly shipping_excl_tax?: string | undefined
  readonly shipping_tax_rate?: string | undefined
}

/** What Ottu computes for one item, with the currency's decimals. */
export interface ItemTotals {
  /** `quantity × unit_price`, rounded. */
  readonly quantity_price: string
  /** The item's discount: its `discount_amount`, or its percentage of `quantity_price`. */
  readonly discount: string
  readonly total_excl_tax: string
  readonly tax_amount: string
  readonly total_incl_tax: string
}

/** What Ottu computes for an invoice, with the currency's decimals. */
export interface InvoiceTotals {
  readonly items: ReadonlyArray<ItemTotals>
  /** The sum of the items' `total_incl_tax`. */
  readonly subtotal: string
  /** The invoice's discount: its `discount_amount`, or its percentage of `subtotal`. */
  readonly discount: string
  readonly total_excl_tax: string
  readonly tax_amount: string
  readonly shipping_incl_tax: string
  readonly total_incl_tax: string
  /** The amount charged: `total_incl_tax`. */
  readonly amount: string
}

/** A discount: the amount given, or the percentage of `base`, rounded. */
const discountOf = (
  base: Decimal,
  fields: {
    readonly discount_amount?: string | undefined
    readonly discount_percentage?: string | undefined
  },
  decimals: number,
): Decimal =>
  fields.discount_amount !== undefined
    ? round(parse(fields.discount_amount), decimals)
    : fields.discount_percentage !== undefined
      ? round(percentOf(base, parse(fields.discount_percentage)), decimals)
      : { units: 0n, scale: decimals }

/** Steps 3 to 5 of both levels: total excluding tax, the tax, total including tax. */
const taxed = (base: Decimal, discount: Decimal, taxRate: string | undefined, decimals: number) => {
  const totalExclTax = round(add(base, negate(discount)), decimals)
  const taxAmount = round(percentOf(totalExclTax, parse(taxRate ?? "0")), decimals)
  return { totalExclTax, taxAmount }
}

const itemTotals = (item: ItemPricing, decimals: number) => {
  const quantityPrice = round(multiply(parse(item.quantity), parse(item.unit_price)), decimals)
  const discount = discountOf(quantityPrice, item, decimals)
  const { totalExclTax, taxAmount } = taxed(quantityPrice, discount, item.tax_rate, decimals)
  const totalInclTax = round(add(totalExclTax, taxAmount), decimals)
  return { quantityPrice, discount, totalExclTax, taxAmount, totalInclTax }
}

/**
 * The totals of an invoice, as Ottu computes them (API reference §11.5, ROUND_HALF_UP at every
 * step). The amounts must be plain non-negative decimal strings and the currency an ISO 4217 code.
 */
export const invoiceTotals = (invoice: InvoicePricing): InvoiceTotals => {
  const decimals = minorUnits(invoice.currency_code) ?? 3
  const items = invoice.invoice_items.map((item) => itemTotals(item, decimals))
  const subtotal = round(
    items.reduce((sum, item) => add(sum, item.totalInclTax), zero),
    decimals,
  )
  const discount = discountOf(subtotal, invoice, decimals)
  const { totalExclTax, taxAmount } = taxed(subtotal, discount, invoice.tax_rate, decimals)
  const shipping = parse(invoice.shipping_excl_tax ?? "0")
  const shippingTax = round(percentOf(shipping, parse(invoice.shipping_tax_rate ?? "0")), decimals)
  const shippingInclTax = round(add(shipping, shippingTax), decimals)
  const totalInclTax = round(add(add(totalExclTax, taxAmount), shippingInclTax), decimals)
  return {
    items: items.map((item) => ({
      quantity_price: format(item.quantityPrice),
      discount: format(item.discount),
      total_excl_tax: format(item.totalExclTax),
      tax_amount: format(item.taxAmount),
      total_incl_tax: format(item.totalInclTax),
    })),
    subtotal: format(subtotal),
    discount: format(discount),
    total_excl_tax: format(totalExclTax),
    tax_amount: format(taxAmount),
    shipping_incl_tax: format(shippingInclTax),
    total_incl_tax: format(totalInclTax),
    amount: format(totalInclTax),
  }
}

/** One way the given totals disagree with Ottu's arithmetic: the field and why. */
export type Discrepancy = readonly [field: string, message: string]

const itemChecks = ["total_excl_tax", "tax_amount", "total_incl_tax"] as const
const invoiceChecks = [
  "subtotal",
  "total_excl_tax",
  "tax_amount",
  "shipping_incl_tax",
  "total_incl_tax",
  "amount",
] as const

type Checked<K extends string> = { readonly [Key in K]?: string | undefined }

const mismatch = (field: string, given: string, computed: string): Discrepancy => [
  field,
  `is ${computed} by Ottu's arithmetic (rounded half up at each step), not ${given}`,
]

/**
 * Where the invoice's given totals differ from {@link invoiceTotals}, and where a discount
 * exceeds what it is taken from (an item's `quantity × unit_price`, the invoice's subtotal) or
 * the total is not positive. Fields are named by their path (`invoice_items.1.tax_amount`).
 */
export const discrepancies = (
  invoice: Omit<InvoicePricing, "invoice_items"> & {
    readonly invoice_items: ReadonlyArray<ItemPricing & Checked<(typeof itemChecks)[number]>>
  } & Checked<(typeof invoiceChecks)[number]>,
  totals: InvoiceTotals,
): ReadonlyArray<Discrepancy> => {
  const found: Array<Discrepancy> = []
  invoice.invoice_items.forEach((item, i) => {
    const computed = totals.items[i]
    if (computed === undefined) return
    if (exceeds(computed.discount, computed.quantity_price)) {
      const field = item.discount_amount !== undefined ? "discount_amount" : "discount_percentage"
      found.push([
        `invoice_items.${i}.${field}`,
        `the discount (${computed.discount}) exceeds quantity × unit_price (${computed.quantity_price})`,
      ])
    }
    for (const name of itemChecks) {
      const given = item[name]
      if (given !== undefined && !sameDecimal(given, computed[name])) {
        found.push(mismatch(`invoice_items.${i}.${name}`, given, computed[name]))
      }
    }
  })
  const discounted =
    invoice.discount_amount !== undefined || invoice.discount_percentage !== undefined
  if (discounted && exceeds(totals.discount, totals.subtotal)) {
    const field = invoice.discount_amount !== undefined ? "discount_amount" : "discount_percentage"
    found.push([
      field,
      `the discount (${totals.discount}) exceeds the subtotal (${totals.subtotal})`,
    ])
  }
  for (const name of invoiceChecks) {
    const given = invoice[name]
    if (given !== undefined && !sameDecimal(given, totals[name])) {
      found.push(mismatch(name, given, totals[name]))
    }
  }
  if (found.length === 0 && compare(parse(totals.total_incl_tax), zero) <= 0) {
    found.push(["amount", `the invoice total (${totals.total_incl_tax}) must be greater than zero`])
  }
  return found
}
