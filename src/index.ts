/**
 * effect-ottu: the Effect-native SDK for the Ottu payment gateway. One namespace per module;
 * each module is also importable on its own (`effect-ottu/Checkout`).
 *
 * The checkout store is not re-exported here: it is built on the optional `@effect/sql` peers, so
 * it lives at `effect-ottu/CheckoutStore` alone and the rest of the SDK neither loads nor types
 * against them.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as AutoDebit from "./AutoDebit.ts"
/** @since 0.1.0 */
export * as Cards from "./Cards.ts"
/** @since 0.1.0 */
export * as Cash from "./Cash.ts"
/** @since 0.1.0 */
export * as Checkout from "./Checkout.ts"
/** @since 0.1.0 */
export * as Inquiry from "./Inquiry.ts"
/** @since 0.1.0 */
export * as Invoice from "./Invoice.ts"
/** @since 0.1.0 */
export * as NativePayment from "./NativePayment.ts"
/** @since 0.1.0 */
export * as Notifications from "./Notifications.ts"
/** @since 0.1.0 */
export * as Operation from "./Operation.ts"
/** @since 0.1.0 */
export * as OttuAuth from "./OttuAuth.ts"
/** @since 0.1.0 */
export * as OttuConfig from "./OttuConfig.ts"
/** @since 0.1.0 */
export * as OttuError from "./OttuError.ts"
/** @since 0.1.0 */
export * as OttuHttpClient from "./OttuHttpClient.ts"
/** @since 0.1.0 */
export * as OttuSandbox from "./OttuSandbox.ts"
/** @since 0.1.0 */
export * as PaymentMethods from "./PaymentMethods.ts"
/** @since 0.1.0 */
export * as Raw from "./Raw.ts"
/** @since 0.1.0 */
export * as Reports from "./Reports.ts"
export * as RequestOptions from "./RequestOptions.ts"
/** @since 0.1.0 */
export * as Session from "./Session.ts"
/** @since 0.1.0 */
export * as Wallet from "./Wallet.ts"
export * as Webhook from "./Webhook.ts"
/** @since 0.1.0 */
export * as WebhookReceiver from "./WebhookReceiver.ts"
