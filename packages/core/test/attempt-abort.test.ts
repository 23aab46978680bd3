import { describe, expect, it } from "vitest";
import { AttemptAbort } from "../src/execution/attempt-abort.js";

describe("AttemptAbort", () => {
  it("makes its signal only when asked, already aborted with the reason if the attempt was", () => {
    const abort = new AttemptAbort();
    const reason = new Error("cancelled");
    abort.abort(reason);
    abort.abort(new Error("later"));
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe(reason);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
  });

  it("aborts a signal handed out earlier, and calls each listener still subscribed once", () => {
    const abort = new AttemptAbort();
    const signal = abort.signal;
    const heard: unknown[] = [];
    abort.onAbort((reason) => heard.push(["kept", reason]));
    const unsubscribe = abort.onAbort((reason) => heard.push(["dropped", reason]));
    unsubscribe();
    expect(signal.aborted).toBe(false);
    abort.abort("timeout");
    abort.abort("again");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("timeout");
    expect(heard).toEqual([["kept", "timeout"]]);
    const late: unknown[] = [];
    abort.onAbort((reason) => late.push(reason));
    expect(late).toEqual(["timeout"]);
  });
});
