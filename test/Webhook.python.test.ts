/**
 * Parity with Python. The expected values below were computed by CPython 3.11 exactly as Ottu's
 * signer and ottu-py's `verify_signature` do: `json.loads` of the JSON text, then `str()` of a
 * value, and `hmac.new(key, message, sha256).hexdigest()` of both schemes' messages.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { Webhook } from "../src/index.ts"
import { pythonNumberFromLiteral, pythonStr } from "../src/Webhook/pythonText.ts"

/** A JSON value and the text Python's `str()` gives it. */
const texts: ReadonlyArray<readonly [json: string, python: string]> = [
  ['"plain"', "plain"],
  ['""', ""],
  ['"0"', "0"],
  ['" "', " "],
  ["true", "True"],
  ["false", "False"],
  ["null", "None"],
  ["0", "0"],
  ["-0", "0"],
  ["86", "86"],
  ["-3", "-3"],
  ["86.0", "86.0"],
  ["86.000", "86.0"],
  ["86.5", "86.5"],
  ["1e3", "1000.0"],
  ["1E3", "1000.0"],
  ["1.5e-7", "1.5e-07"],
  ["0.0001", "0.0001"],
  ["0.00001", "1e-05"],
  ["1e16", "1e+16"],
  ["1e15", "1000000000000000.0"],
  ["123456789012345678", "123456789012345678"],
  ["12345678901234567890123", "12345678901234567890123"],
  ["1234567890123456.7", "1234567890123456.8"],
  ["-0.0", "-0.0"],
  ["0.1", "0.1"],
  ["1e400", "inf"],
  ["-1e400", "-inf"],
  ["2.5e+300", "2.5e+300"],
  ["[]", "[]"],
  ["{}", "{}"],
  ['["a", 1, 2.5, true, null]', "['a', 1, 2.5, True, None]"],
  [
    '{"id": "a", "n": 1, "f": 1.5, "b": false, "z": null}',
    "{'id': 'a', 'n': 1, 'f': 1.5, 'b': False, 'z': None}",
  ],
  [
    '["it\'s", "say \\"hi\\"", "both \' \\"", "back\\\\slash", "tab\\tnl\\ncr\\r", "\\u0001\\u007f", "caf\\u00e9", "nb\\u00a0sp", "soft\\u00adhyphen", "\\u2028", "emoji \\ud83d\\ude00", "\\u0627\\u0644\\u0643\\u0648\\u064a\\u062a"]',
    "[\"it's\", 'say \"hi\"', 'both \\' \"', 'back\\\\slash', 'tab\\tnl\\ncr\\r', '\\x01\\x7f', 'caf\u00e9', 'nb\\xa0sp', 'soft\\xadhyphen', '\\u2028', 'emoji \ud83d\ude00', '\u0627\u0644\u0643\u0648\u064a\u062a']",
  ],
  ['{"nested": {"k": ["v", {"x": []}]}}', "{'nested': {'k': ['v', {'x': []}]}}"],
]

/** A JSON payload, the key, and its standard and subscription signatures. */
const signatures: ReadonlyArray<
  readonly [json: string, key: string, standard: string, subscription: string]
> = [
  [
    '{"amount": "86.000", "currency_code": "KWD", "customer_first_name": "example-customer"}',
    "pu9MpX3yPR",
    "6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67",
    "bfdd747fa6af783296f10254d28aaf38c1b222070aa2557c359b67c83339a166",
  ],
  [
    '{"amount": "86.000", "currency_code": "KWD", "customer_first_name": "example-customer"}',
    "a-much-longer-webhook-key-that-exceeds-the-sixty-four-byte-block-size-of-sha256",
    "f1e18f4a8a8644b45971d45f1438ea2a9986a425f53988204295e7b04091b741",
    "2f4160ff5cd29e1b3a9f9a09facbaded80a82d7ddb4f2fb7fa44bb9606b04d2a",
  ],
  [
    '{"amount": "86.000", "currency_code": "KWD", "customer_first_name": "example-customer"}',
    "cl\u00e9-\u00fcn\u00efcode",
    "6f70de81d533b91f9cf4671c1e6ee4e4267e4006ab9f1d2bd01accd339441d20",
    "f4b821a9998c79ba8e3076d09ec93732671cba4ec979991e0d81416167a7bef3",
  ],
  [
    '{"amount": 86.000, "currency_code": "KWD"}',
    "pu9MpX3yPR",
    "61aa84e3c8708f93892fc8b738cc1d8c455456f34c13053d41adab2bd721560a",
    "fcd62bbb77ef302ab6d46c4873dc0bfcca32ac74ca7563ecb92cdf20c1d80a00",
  ],
  [
    '{"amount": 86, "currency_code": "KWD"}',
    "pu9MpX3yPR",
    "b40990d4270138056808d3d562d15983c602d9690cf9cd67b37c6672b4de2c04",
    "2d84bd2c1eda98d0376e40d96630cc909f3593346c954ab57454ea57e0c9a3fe",
  ],
  [
    '{"amount": 1e3, "state": true, "result": false, "order_no": null, "gateway_name": ""}',
    "pu9MpX3yPR",
    "29c967ad18da35296b5416059c65f7e47461d21663b644eae3cd65506712dae2",
    "7296ded46a18371f74b0dc5a3af518d8311e1faac70db01365ecccc1df919d15",
  ],
  [
    '{"amount": "10.000", "order_no": ["a", 1], "reference_number": {"x": 1.5}}',
    "pu9MpX3yPR",
    "99a4955608df3ca75a5ce5eaa6cb95dba3ab98c1ce9a23987868ed8e33033056",
    "0d11d76781385da4ea0d98694a3ee339ab9666a1ac8275718586fd51d654ddc5",
  ],
  [
    '{"amount": "10.000", "token": {"token": 42.0, "pg_code": "knet", "customer_id": 7}, "agreement": {"id": 1e2}, "extra": {"merchant_id": "m", "autopay": {"subscription_id": -0}}, "session_id": "s", "payment_type": "auto_debit"}',
    "pu9MpX3yPR",
    "952eb6407c0e1e08c3b403dce9b7a27cb2af7b59e351a109cec2b77a38fb55a2",
    "02e9ce7fd0c366044119df92b8ebf481f4650e3b735b52a0305b5560bcc6339c",
  ],
  [
    '{"amount": "5", "token": "not-an-object", "agreement": [{"id": "a"}], "extra": {"autopay": null}}',
    "pu9MpX3yPR",
    "ff492054fb907250d9ed9f4244832134403d37e4c8ccc0c064d0822add4cd867",
    "077b2af6b58ffb849d01cf3d856acbdfb088d5148df21e8486582937a5005be4",
  ],
  [
    '{"customer_first_name": "Fatima \\u0627\\u0644\\u0635\\u0628\\u0627\\u062d", "customer_address_line1": "caf\\u00e9 \\ud83d\\ude00", "amount": "1.500"}',
    "pu9MpX3yPR",
    "abaf1e83b3987707874017e242b28181a167eae255efeaa235d3831d18275a82",
    "aa7c9ffa6e19409c3093b0e6e7e9986e3d021c31cfb5fe80cb6d573ed745b0b1",
  ],
  [
    '{"amount": "1", "amount": 2.0, "token": {"token": 1}, "token": {"token": 3.50}}',
    "pu9MpX3yPR",
    "10ef89b93bbe35cc958b33fdb61d1d20433f75b6016d28cc423f609d4e5bd22d",
    "34119c978af48f3fa0049017eda249fa00c20ac5b4362cce051478f8138ecb46",
  ],
  [
    '{"customer_phone": 96550000000, "customer_address_postal_code": 1.0e1, "state": "paid"}',
    "pu9MpX3yPR",
    "0822087ada27de1927b4341aa4c8d06511ced853f2bed49cc746d75f84e764f6",
    "2db55bd23978dc3ff0a05c6e4c30737d0c888b01bbf5b400e1d457668c2385eb",
  ],
  [
    "{}",
    "pu9MpX3yPR",
    "674d23244f274b4dd9e88929183e15e3f0b5a38e0a21d0de4aa91cb1044fe34c",
    "674d23244f274b4dd9e88929183e15e3f0b5a38e0a21d0de4aa91cb1044fe34c",
  ],
]

/** The JSON text with a `signature` member added. */
const withSignature = (json: string, signature: string): string =>
  json === "{}"
    ? `{"signature": "${signature}"}`
    : json.replace(/\}$/, `, "signature": "${signature}"}`)

describe("values become Python's text", () => {
  it.each(texts)("%s", (json, python) => {
    const value: unknown = JSON.parse(json)
    expect(typeof value === "number" ? pythonNumberFromLiteral(json) : pythonStr(value)).toBe(
      python,
    )
  })
})

describe("signatures match Python's", () => {
  it.each(signatures)("%s under %s", (json, key, standard, subscription) => {
    for (const signature of [standard, subscription]) {
      const result = Webhook.verify(withSignature(json, signature), key)
      const refused = Either.isLeft(result) && result.left._tag === "OttuWebhookSignatureError"
      expect(refused).toBe(false)
    }
  })

  it("signatureOf agrees wherever no float literal is integral (86.0, 1e3)", () => {
    const integralFloat = /\d\.0*[,}\s]|\d[eE]/
    let compared = 0
    for (const [json, key, standard, subscription] of signatures) {
      if (integralFloat.test(json.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) continue
      const payload = JSON.parse(json) as Record<string, unknown>
      expect(Webhook.signatureOf(payload, key)).toBe(standard)
      expect(Webhook.signatureOf(payload, key, "subscription")).toBe(subscription)
      compared++
    }
    expect(compared).toBeGreaterThan(6)
  })
})
