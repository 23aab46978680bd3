import { describe, expect, it } from "vitest";
import { parseDuration, parseSeconds } from "../src/args/durations.js";

describe("durations", () => {
  it("parses units and sums of parts", () => {
    expect(parseDuration("90m")).toBe(90 * 60_000);
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("1w")).toBe(7 * 86_400_000);
    expect(parseDuration("1d12h")).toBe(36 * 3_600_000);
    expect(parseDuration("0s")).toBe(0);
  });

  it("refuses bare numbers, negative values, unknown units and junk", () => {
    for (const text of ["7", "", " ", "-1d", "1y", "d", "7 d", "1d-2h", "1.d"]) expect(parseDuration(text), text).toBeNull();
  });

  it("reads worker times as seconds unless a unit is given", () => {
    expect(parseSeconds("0.1")).toBe(100);
    expect(parseSeconds("30")).toBe(30_000);
    expect(parseSeconds("5m")).toBe(300_000);
    expect(parseSeconds("soon")).toBeNull();
  });
});
