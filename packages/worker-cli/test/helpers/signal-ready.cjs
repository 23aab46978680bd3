// Preloaded (node --require) into a binary to tell the test the moment the CLI's code first
// handles SIGTERM: writes one line to file descriptor 3 when a SIGTERM listener is first
// added, saying whether tsx (which the launcher registers before loading the CLI from its
// TypeScript sources) was registered by then. Before that moment, in Node's own start-up,
// no JavaScript can handle a signal.
const { writeSync } = require("node:fs");

const TSX_ESM = Symbol.for("@tasks/worker-cli/tsx-esm");
const on = process.on;
let told = false;
process.on = function onWithReadyMark(event, listener) {
  const result = on.call(this, event, listener);
  if (event === "SIGTERM" && !told) {
    told = true;
    writeSync(3, `${JSON.stringify({ tsxRegistered: globalThis[TSX_ESM] === true })}\n`);
  }
  return result;
};
