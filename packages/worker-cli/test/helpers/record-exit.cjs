// Preloaded (node --require) into a worker whose parent the test kills: the test cannot wait
// for a process that is not its child, so the process writes its own exit code here.
const { writeFileSync } = require("node:fs");

process.on("exit", (code) => {
  writeFileSync(process.env.TASKS_CLI_TEST_EXIT_FILE, String(code));
});
