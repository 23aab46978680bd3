import { closeSync, openSync, writeSync } from "node:fs";
import { UsageError } from "../run/exit-codes.js";

/** Where log lines go. Writes are synchronous so nothing is lost when the process exits. */
export interface LineSink {
  write(line: string): void;
  close(): void;
}

/** Writes lines to a stream (standard output by default), with hooks to move a live status line out of the way. */
export function streamSink(stream: NodeJS.WriteStream = process.stdout, around?: { before(): void; after(): void }): LineSink {
  return {
    write(line) {
      around?.before();
      stream.write(`${line}\n`);
      around?.after();
    },
    close() {},
  };
}

/** Appends lines to `path` (`--log-file`); throws a {@link UsageError} naming the flag when the file cannot be opened. */
export function fileSink(path: string): LineSink {
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new UsageError(`Invalid value "${path}" for --log-file: the file cannot be opened for appending (${code}). Check that its folder exists and is writable.`);
  }
  let open = true;
  return {
    write(line) {
      if (open) writeSync(fd, `${line}\n`);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
