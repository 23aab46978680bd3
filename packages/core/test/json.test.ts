import { describe, expect, it } from "vitest";
import { assertJsonArgs, canonicalJson, describeNonJson } from "../src/json.js";
import { InvalidTaskError } from "../src/errors.js";

describe("JSON argument rules", () => {
  it.each([
    [[1, { when: new Date(0) }], "args[1].when is a Date"],
    [[new Map()], "args[0] is a Map"],
    [[new Set([1])], "args[0] is a Set"],
    [[10n], "args[0] is a BigInt"],
    [[undefined], "args[0] is undefined"],
    [[{ a: [1, () => 1] }], "args[0].a[1] is a function"],
    [[Number.NaN], "args[0] is NaN"],
    [[Number.POSITIVE_INFINITY], "args[0] is Infinity"],
    [[{ "a b": new (class Point {})() }], 'args[0]["a b"] is a Point'],
    [[Symbol("s")], "args[0] is a symbol"],
  ])("rejects %o naming the path", (args, expected) => {
    expect(describeNonJson(args, "args")).toContain(expected);
    expect(() => assertJsonArgs(args, "demo.task")).toThrow(InvalidTaskError);
    expect(() => assertJsonArgs(args, "demo.task")).toThrow(expected);
  });

  it("rejects cycles and sparse arrays", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeNonJson([cyclic], "args")).toContain("args[0].self refers back to itself");
    // eslint-disable-next-line no-sparse-arrays
    expect(describeNonJson([[1, , 3]], "args")).toContain("args[0][1] is an empty array slot");
  });

  it("accepts plain JSON values, including shared (non-cyclic) references", () => {
    const shared = { x: 1 };
    expect(describeNonJson([null, true, 0, -1.5, "é", [], {}, { a: shared, b: shared }, Object.create(null)], "args")).toBeNull();
  });

  it("canonical JSON ignores key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
  });
});
