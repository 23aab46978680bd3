// Preloaded (node --require) into a binary to tell the test the moments the CLI's code starts
// handling SIGTERM: writes one line to file descriptor 3 each time a SIGTERM listener is
// added, saying how many have been added so far and whether tsx (which the launcher registers
// before loading the CLI from its TypeScript sources) was registered by then. The first is the
// launcher's early catcher; the second is the worker command's own handling, installed just
// before it loads the config. Before the first, in Node's own start-up, no JavaScript can
// handle a signal.
const { writeSync } = require("node:fs");

const TSX_ESM = Symbol.for("@tasks/worker-cli/tsx-esm");
const on = process.on;
let added = 0;
process.on = function onWithReadyMark(event, listener) {
  const result = on.call(this, event, listener);
  if (event === "SIGTERM") {
    added += 1;
    writeSync(3, `${JSON.stringify({ added, tsxRegistered: globalThis[TSX_ESM] === true })}\n`);
  }
  return result;
};
