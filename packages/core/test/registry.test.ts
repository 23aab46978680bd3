import { afterEach, describe, expect, it } from "vitest";
import { registeredTaskNameSnapshot, unregisterTasks } from "../src/registry.js";
import { task } from "../src/task.js";

describe("registeredTaskNameSnapshot", () => {
  afterEach(() => unregisterTasks());

  it("is one frozen, sorted list until a task is registered or unregistered", () => {
    unregisterTasks();
    const empty = registeredTaskNameSnapshot();
    expect(empty).toEqual([]);
    task({ name: "snapshot.b" }, () => null);
    task({ name: "snapshot.a" }, () => null);
    const two = registeredTaskNameSnapshot();
    expect(two).toEqual(["snapshot.a", "snapshot.b"]);
    expect(Object.isFrozen(two)).toBe(true);
    expect(registeredTaskNameSnapshot()).toBe(two);
    unregisterTasks("snapshot.b");
    expect(registeredTaskNameSnapshot()).toEqual(["snapshot.a"]);
    unregisterTasks();
    expect(registeredTaskNameSnapshot()).toEqual([]);
  });
});
