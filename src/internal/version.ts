/**
 * The SDK's version, sent in `User-Agent: effect-ottu/<version>`. A test keeps it equal to
 * `package.json`'s.
 *
 * @internal
 */
export const version = "0.1.0"
