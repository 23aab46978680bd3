import { describe, expectTypeOf, it } from "vitest";
import { schedule, task, type ScheduleOptions, type TaskContext, type TaskResult } from "../src/index.js";

describe("task typing", () => {
  it("enqueue accepts exactly the function's parameters", () => {
    const add = task({ name: "types.add" }, (a: number, b: string) => `${a}${b}`);
    expectTypeOf(add.enqueue).parameters.toEqualTypeOf<[number, string]>();
    // @ts-expect-error wrong argument type
    void add.enqueue("1", "2");
    // @ts-expect-error missing argument
    void add.enqueue(1);
  });

  it("returnValue has the function's (awaited) return type", () => {
    const fetchUser = task({ name: "types.user" }, async (id: number) => ({ id, name: "ada" }));
    expectTypeOf(fetchUser.enqueue).returns.resolves.toEqualTypeOf<TaskResult<{ id: number; name: string }>>();
    expectTypeOf<Awaited<ReturnType<typeof fetchUser.enqueue>>["returnValue"]>().toEqualTypeOf<{ id: number; name: string }>();
  });

  it("a void task's returnValue is null", () => {
    const fire = task({ name: "types.void" }, async () => {});
    expectTypeOf<Awaited<ReturnType<typeof fire.enqueue>>["returnValue"]>().toEqualTypeOf<null>();
  });

  it("takesContext tasks receive the context first and enqueue without it", () => {
    const withContext = task({ name: "types.ctx", takesContext: true }, (context: TaskContext, n: number) => {
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      return n * 2;
    });
    expectTypeOf(withContext.enqueue).parameters.toEqualTypeOf<[number]>();
    expectTypeOf(withContext.using({ priority: 1 }).enqueue).parameters.toEqualTypeOf<[number]>();
  });
});

describe("schedule typing", () => {
  it("a schedule's args are the task's parameters", () => {
    const report = task({ name: "types.report" }, (scope: string, days: number) => `${scope}${days}`);
    schedule(report, { cron: "@daily", args: ["all", 7] });
    // @ts-expect-error arguments of the wrong types
    schedule(report, { cron: "@daily", args: [7, "all"] });
    // @ts-expect-error an argument missing
    schedule(report, { cron: "@daily", args: ["all"] });
    expectTypeOf<ScheduleOptions<[string, number]>["args"]>().toEqualTypeOf<[string, number] | undefined>();
  });

  it("a task with a context sees scheduledFor as a Date or null", () => {
    task({ name: "types.scheduled", takesContext: true }, (context) => {
      expectTypeOf(context.scheduledFor).toEqualTypeOf<Date | null>();
    });
  });
});

