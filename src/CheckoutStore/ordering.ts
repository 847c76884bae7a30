/**
 * The ordering rule of the checkout store: which state a stored checkout may move to. Ottu's
 * answers and webhooks can arrive late and out of order (a delayed `pending` after `paid`, a
 * retried webhook after a refund); a later document is applied only when its state can follow
 * the stored one in Ottu's lifecycle (API reference §12).
 *
 * @internal
 */

/** The states a payer can still act on; among them the latest document wins. */
const open: ReadonlyArray<string> = ["created", "pending", "attempted"]

/**
 * The states each settled state can still move to (§12.1–12.2):
 *
 * - `failed` and `expired` can still acknowledge a late payment (`authorized`, `paid`, `cod`),
 *   or its refund;
 * - `authorized` can be captured (`paid`), voided, or refunded once captured;
 * - `cod` can be paid or cancelled, and refunded once paid;
 * - `paid` can only be refunded;
 * - `canceled`, `invalided`, `refunded` and `voided` are final: nothing follows them.
 */
const successors: Readonly<Record<string, ReadonlyArray<string>>> = {
  failed: ["authorized", "paid", "cod", "refunded"],
  expired: ["authorized", "paid", "cod", "refunded"],
  authorized: ["paid", "voided", "refunded"],
  cod: ["paid", "canceled", "refunded"],
  paid: ["refunded"],
  canceled: [],
  invalided: [],
  refunded: [],
  voided: [],
}

/**
 * Whether a checkout stored in state `from` may take a document in state `to`:
 *
 * - the same state: yes (the document refreshes the other fields);
 * - from an open state (`created`, `pending`, `attempted`): any state but a return to `created`;
 * - from a settled state: only the successors listed above;
 * - from a state this table does not know (Ottu adds states): yes, the document is trusted.
 */
export const accepts = (from: string | null, to: string): boolean => {
  if (from === null || from === to) return true
  if (open.includes(from)) return from === "created" || to !== "created"
  const next = successors[from]
  return next === undefined || next.includes(to)
}
