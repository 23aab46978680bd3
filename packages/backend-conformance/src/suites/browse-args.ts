import { describe, expect } from "vitest";
import type { ArgsSearchValue, JsonValue, ResultStatus, TaskRecord } from "@tasks/core/backend";
import { ids, type Harness } from "../harness.js";
import { BROWSE, BROWSE_WORKERS, BrowseKit, type TestStatus } from "./browse-kit.js";

/**
 * Strings a SQL LIKE pattern, a JSON path or a regular expression would treat as syntax; a
 * search for each must find only the task holding exactly that string.
 */
const AWKWARD_STRINGS = [
  "a%b",
  "a_b",
  "%",
  "_",
  "it's",
  'say "hi"',
  "back\\slash",
  "back\\\\slash",
  "$.args[0]",
  "@ == 1",
  "*",
  ".*",
  "?",
  "line\nbreak",
  "tab\there",
  "Zoë 😀",
  "日本語",
  "",
  " ",
] as const;

/** listTasks' argsValue: scalar values anywhere inside the arguments, matched exactly by JSON type. */
export function browseArgsSuite(h: Harness): void {
  const kit = new BrowseKit(h);

  describe("listTasks argsValue", () => {
    h.test("matches an argument, or an element or property value at any depth; never a key", BROWSE, async () => {
      const alias = h.alias();
      const tasks: Record<string, JsonValue[]> = {
        top: ["ada", 1],
        inObject: [{ user: { name: "ada", tags: ["x"] } }],
        inArrays: [[0, [["ada"]]]],
        mixed: [{ list: [{ deep: [7, { deeper: 1.5 }] }] }],
        keyOnly: [{ ada: "bob" }],
        longer: ["adam", "Ada", "ad"],
        stringOne: ["1", { n: "7" }],
        flags: [true, { off: false }],
        words: ["true", "null"],
        nothing: [null, {}, []],
      };
      const idOf = new Map<string, string>();
      let seconds = 0;
      for (const [name, args] of Object.entries(tasks)) idOf.set(name, (await kit.enqueueAt(alias, seconds++, { args })).id);
      const search = async (value: ArgsSearchValue): Promise<string[]> => {
        const found = await kit.listIds(alias, { argsValue: value });
        return found.map((id) => [...idOf.entries()].find(([, taskId]) => taskId === id)?.[0] ?? id);
      };
      expect(await search("ada")).toEqual(["top", "inObject", "inArrays"]);
      expect(await search("bob")).toEqual(["keyOnly"]);
      expect(await search("user")).toEqual([]);
      expect(await search("x")).toEqual(["inObject"]);
      expect(await search(7)).toEqual(["mixed"]);
      expect(await search(1.5)).toEqual(["mixed"]);
      expect(await search(1)).toEqual(["top"]);
      expect(await search("1")).toEqual(["stringOne"]);
      expect(await search("7")).toEqual(["stringOne"]);
      expect(await search(0)).toEqual(["inArrays"]);
      expect(await search(true)).toEqual(["flags"]);
      expect(await search(false)).toEqual(["flags"]);
      expect(await search("true")).toEqual(["words"]);
      expect(await search("null")).toEqual(["words"]);
      expect(await search("Ada")).toEqual(["longer"]);
      expect(await search("ad")).toEqual(["longer"]);
      expect(await search("a")).toEqual([]);
      expect(await search(2)).toEqual([]);
      expect(await search("nowhere")).toEqual([]);
    });

    h.test("treats LIKE, JSON path and regular expression syntax, quotes, backslashes and unicode as plain text", BROWSE, async () => {
      const alias = h.alias();
      const idOf = new Map<string, string>();
      for (const [index, value] of AWKWARD_STRINGS.entries()) {
        // Alternate between a top-level argument and a value nested two levels deep.
        const args: JsonValue[] = index % 2 === 0 ? [value] : [{ outer: { inner: [value] } }];
        idOf.set(value, (await kit.enqueueAt(alias, index, { args })).id);
      }
      const plain = await kit.enqueueAt(alias, 100, { args: ["ab", "axb", "abc", "backslash", "it''s", "Zoe 😀", "a"] });
      for (const value of AWKWARD_STRINGS) {
        expect({ value, found: await kit.listIds(alias, { argsValue: value }) }).toEqual({ value, found: [idOf.get(value)] });
      }
      for (const value of ["a%", "%b", "a.b", "a?b", "back_slash", "Zoë", "日本", "\\", "'", '"']) {
        expect({ value, found: await kit.listIds(alias, { argsValue: value }) }).toEqual({ value, found: [] });
      }
      expect(await kit.listIds(alias, { argsValue: "axb" })).toEqual([plain.id]);
    });

    // A backend may index some statuses' arguments and not others (Postgres indexes only
    // failed and cancelled tasks'): the same search must page alike over any mix of statuses.
    h.test("pages a search over successful, failed and cancelled tasks alike, in both orders, with and without a status filter", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const cycle: TestStatus[] = ["SUCCESSFUL", "FAILED", "SUCCESSFUL", "CANCELLED", "READY", "SUCCESSFUL"];
      const matches: TaskRecord[] = [];
      for (let index = 0; index < 18; index++) {
        const args = index % 3 === 2 ? [{ order: { user: "bob" } }] : [{ order: { user: "ada" } }];
        // Finish times run against enqueue order, so the two orders differ.
        const record = await kit.taskIn(alias, cycle[index % cycle.length]!, index, 100 - index, { args });
        if (index % 3 !== 2) matches.push(record);
      }
      const finished = matches.filter((record) => record.status !== "READY");
      const byFinish = (records: TaskRecord[]) => ids([...records].sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime()));
      const only = (statuses: ResultStatus[]) => matches.filter((record) => statuses.includes(record.status));
      expect(finished.length).toBeGreaterThan(6);
      const cases: [ResultStatus[] | undefined, TaskRecord[]][] = [
        [undefined, matches],
        [["SUCCESSFUL", "FAILED", "CANCELLED"], finished],
        [["FAILED", "CANCELLED"], only(["FAILED", "CANCELLED"])],
        [["SUCCESSFUL"], only(["SUCCESSFUL"])],
      ];
      for (const [statuses, expected] of cases) {
        const filter = { argsValue: "ada", ...(statuses ? { statuses } : {}) };
        expect(expected.length, String(statuses)).toBeGreaterThan(0);
        expect(await kit.walk({ backend: alias, filter, order: "enqueued", direction: "asc", limit: 2 }), String(statuses)).toEqual(ids(expected));
        expect(await kit.walk({ backend: alias, filter, order: "enqueued", direction: "desc", limit: 3 }), String(statuses)).toEqual(ids(expected).reverse());
        const done = expected.filter((record) => record.status !== "READY");
        expect(await kit.walk({ backend: alias, filter, order: "finished", direction: "asc", limit: 2 }), String(statuses)).toEqual(byFinish(done));
        expect(await kit.walk({ backend: alias, filter, order: "finished", direction: "desc", limit: 3 }), String(statuses)).toEqual(byFinish(done).reverse());
      }
    });
  });
}
