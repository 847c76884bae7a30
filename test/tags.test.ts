/**
 * Every service tag of the public API has the key `effect-ottu/<Module>/<Name>`: the module that
 * exports it and the class name, so two tags can never clash and a key says where to look.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import * as Entry from "../src/index.ts"

/** Every public module: the entry's namespaces and the store, which has its own entry. */
const modules = { ...Entry, CheckoutStore }

describe("tag keys", () => {
  it("follow effect-ottu/<Module>/<Name>", () => {
    const tags = Object.entries(modules).flatMap(([module, exports]) =>
      Object.entries(exports)
        .filter(([, value]) => Context.isTag(value))
        .map(([name, tag]) => ({ module, name, key: (tag as Context.Tag<unknown, unknown>).key })),
    )
    expect(tags.map((t) => `${t.module}.${t.name}`)).toEqual(
      expect.arrayContaining([
        "AutoDebit.TokenSource",
        "CheckoutStore.CheckoutStore",
        "OttuConfig.OttuConfig",
        "OttuSandbox.OttuSandbox",
        "RequestOptions.CurrentRequestOptions",
        "Session.CurrentSession",
      ]),
    )
    for (const { module, name, key } of tags) {
      expect(key, `${module}.${name}`).toBe(`effect-ottu/${module}/${name}`)
    }
  })
})
