import { describe, expectTypeOf, it } from "vitest";
import { task, type TaskContext, type TaskResult } from "../src/index.js";

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
