import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureTasks,
  InvalidConfigurationError,
  InvalidTaskBackendError,
  InvalidTaskError,
  resetTasksConfiguration,
  task,
  unregisterTasks,
} from "../src/index.js";
import { unreachableBackend } from "./helpers.js";

beforeEach(() => {
  unregisterTasks();
  configureTasks({ backends: { default: unreachableBackend(), nodefer: { backend: unreachableBackend({ supportsDefer: false }), queues: [] } } });
});
afterEach(() => resetTasksConfiguration());

describe("task definition", () => {
  it("requires a name", () => {
    // @ts-expect-error name is required
    expect(() => task({}, () => 1)).toThrow(/A task needs a "name"/);
    expect(() => task({ name: "  " }, () => 1)).toThrow(InvalidTaskError);
  });

  it("refuses a duplicated name", () => {
    task({ name: "dup" }, () => 1);
    expect(() => task({ name: "dup" }, () => 2)).toThrow('A task named "dup" is already defined');
  });

  it.each([[101], [-101], [1.5], [Number.NaN]])("rejects priority %s", (priority) => {
    expect(() => task({ name: `p${String(priority)}`, priority }, () => 1)).toThrow(
      /priority must be an integer from -100 to 100/,
    );
  });

  it("rejects a queue the backend does not allow, naming the allowed ones", () => {
    expect(() => task({ name: "q", queueName: "special" }, () => 1)).toThrow(
      'Queue "special" is not allowed by backend "default" (unreachable) for task "q" (definition); allowed queues: default.',
    );
  });

  it("rejects bad maxAttempts and timeoutMs", () => {
    expect(() => task({ name: "m", maxAttempts: 0 }, () => 1)).toThrow(/Invalid maxAttempts 0 for task "m"/);
    expect(() => task({ name: "t", timeoutMs: -5 }, () => 1)).toThrow(/Invalid timeoutMs -5 for task "t"/);
  });
});

describe("using() and enqueue validation", () => {
  it("rejects an unknown backend alias at enqueue, naming it", async () => {
    resetTasksConfiguration();
    // Defined before configuration, so only enqueue can see that the alias is unknown.
    const t = task({ name: "alias", backend: "nope" }, () => 1);
    configureTasks({ backends: { default: unreachableBackend(), nodefer: unreachableBackend() } });
    await expect(t.enqueue()).rejects.toThrow(InvalidTaskBackendError);
    await expect(t.enqueue()).rejects.toThrow('Unknown task backend alias "nope". Configured aliases: default, nodefer.');
  });

  it("rejects runAfter on a backend without defer support", async () => {
    const t = task({ name: "deferred", backend: "nodefer" }, () => 1);
    expect(() => t.using({ runAfter: new Date() })).toThrow('Backend "nodefer" (unreachable) does not support runAfter');
  });

  it("rejects an invalid Date and unknown override keys", () => {
    const t = task({ name: "overrides" }, () => 1);
    expect(() => t.using({ runAfter: new Date("nope") })).toThrow(/Invalid runAfter Date\(invalid\)/);
    // @ts-expect-error not an override
    expect(() => t.using({ priorty: 3 })).toThrow('using() does not know "priorty"');
  });

  it("chained using() accumulates and re-validates", () => {
    const t = task({ name: "chain" }, () => 1);
    const changed = t.using({ priority: 5 }).using({ runAfter: new Date(0) });
    expect(changed.priority).toBe(5);
    expect(changed.runAfter).toEqual(new Date(0));
    expect(t.priority).toBe(0);
    expect(() => changed.using({ priority: 500 })).toThrow(/Invalid priority 500/);
  });

  it("rejects non-JSON arguments before touching storage, naming the path", async () => {
    const t = task({ name: "json" }, (_n: number, _o: { when: unknown }) => 1);
    await expect(t.enqueue(1, { when: new Date(0) })).rejects.toThrow("args[1].when is a Date");
  });

  it("re-validates at enqueue against configuration changed after definition", async () => {
    resetTasksConfiguration();
    // Defined before configuration (as modules often load first): nothing to check against yet.
    const t = task({ name: "later", queueName: "reports" }, () => 1);
    configureTasks({ backends: { default: { backend: unreachableBackend(), queues: ["default"] } } });
    await expect(t.enqueue()).rejects.toThrow('Queue "reports" is not allowed');
  });

  it("argsSchema rejects arguments at enqueue", async () => {
    const schema = { parse: (value: unknown) => { if (!Array.isArray(value) || typeof value[0] !== "string") throw new Error("expected a string"); return value; } };
    const t = task({ name: "schema", argsSchema: schema }, (_s: unknown) => 1);
    await expect(t.enqueue(5)).rejects.toThrow('Arguments of task "schema" do not match its argsSchema: expected a string');
  });

  it("call() runs the function directly; refuses context tasks", async () => {
    const plain = task({ name: "plain" }, (a: number, b: number) => a + b);
    await expect(plain.call(2, 3)).resolves.toBe(5);
    const withContext = task({ name: "ctx", takesContext: true }, (context, a: number) => context.attempt + a);
    await expect(withContext.call(1)).rejects.toThrow(/takes a context/);
  });
});

describe("configuration", () => {
  it("requires a default alias", () => {
    expect(() => configureTasks({ backends: { other: unreachableBackend() } })).toThrow(
      'configureTasks() needs a backend under the alias "default"; got aliases: other.',
    );
  });

  it("rejects a bad queue list and bad maxAttempts", () => {
    expect(() => configureTasks({ backends: { default: { backend: unreachableBackend(), queues: [""] } } })).toThrow(InvalidConfigurationError);
    expect(() => configureTasks({ backends: { default: { backend: unreachableBackend(), maxAttempts: 0 } } })).toThrow(/Invalid maxAttempts 0 for backend alias "default"/);
  });

  it("rejects something that is not a backend", () => {
    // @ts-expect-error not a backend
    expect(() => configureTasks({ backends: { default: { nope: true } } })).toThrow(/Backend alias "default" must be a backend/);
  });

  it("explains a missing configuration", async () => {
    resetTasksConfiguration();
    const t = task({ name: "unconfigured" }, () => 1);
    await expect(t.enqueue()).rejects.toThrow(/No task backends are configured \(looking for alias "default"\)/);
  });
});
