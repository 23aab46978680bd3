/** The commands the app tests run are the ones the root README shows, word for word. */
import { describe, expect, it } from "vitest";
import { README_COMMANDS } from "../src/quick-start.js";
import { quickStartFiles } from "../src/readme-files.js";

describe("the root README's quick start", () => {
  const { files, readme } = quickStartFiles();
  const flattened = readme.replace(/\s+/g, " ");

  it.each(Object.entries(README_COMMANDS))("shows the %s command: %s", (_name, command) => {
    expect(flattened).toContain(command);
  });

  it("shows the four quick-start files the app tests write", () => {
    expect(Object.keys(files).sort()).toEqual(["src/enqueue.ts", "src/report.ts", "src/tasks.ts", "tasks.config.ts"]);
  });
});
