/** Reads the spans `ConsoleSpanExporter` printed (one `{ … }` block per span, in Node's inspect format). */

/** The parts of a printed span the trace tests check. */
export interface PrintedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  /** `tasks.task.name`, when the span has it. */
  readonly taskName: string | null;
  readonly outcome: string | null;
  readonly links: ReadonlyArray<{ readonly traceId: string; readonly spanId: string }>;
}

/** Every span block of `output`: from a line `{` to the next line `}`, other lines ignored. */
export function printedSpans(output: string): PrintedSpan[] {
  const spans: PrintedSpan[] = [];
  let block: string[] | null = null;
  for (const line of output.split("\n")) {
    if (line === "{") block = [];
    else if (line === "}" && block) {
      const span = parseBlock(block.join("\n"));
      if (span) spans.push(span);
      block = null;
    } else block?.push(line);
  }
  return spans;
}

function parseBlock(text: string): PrintedSpan | null {
  const name = /^ {2}name: '([^']+)',$/m.exec(text)?.[1];
  const spanId = /^ {2}id: '([0-9a-f]{16})',$/m.exec(text)?.[1];
  const traceId = /^ {2}traceId: '([0-9a-f]{32})',$/m.exec(text)?.[1];
  if (!name || !spanId || !traceId) return null;
  const links = [...(text.split(/^ {2}links: /m)[1] ?? "").matchAll(/traceId: '([0-9a-f]{32})',\s*spanId: '([0-9a-f]{16})'/g)].map((match) => ({
    traceId: match[1]!,
    spanId: match[2]!,
  }));
  return {
    name,
    traceId,
    spanId,
    taskName: /'tasks\.task\.name': '([^']+)'/.exec(text)?.[1] ?? null,
    outcome: /'tasks\.outcome': '([^']+)'/.exec(text)?.[1] ?? null,
    links,
  };
}
