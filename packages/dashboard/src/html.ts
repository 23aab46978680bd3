/**
 * HTML built from tagged templates. Every interpolated value is escaped unless it is already
 * {@link SafeHtml}, so untrusted text (task names, arguments, error messages, queue names)
 * can never become markup.
 */

/** A piece of markup that is already safe to send: made by {@link html} or {@link raw} only. */
export class SafeHtml {
  /** The markup. */
  readonly value: string;

  /** Wraps markup; prefer {@link html} over calling this with built strings. */
  constructor(value: string) {
    this.value = value;
  }

  /** The markup, so a `SafeHtml` can be written where a string is expected. */
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => ESCAPES[char]!);
}

/** A value an {@link html} template accepts: text is escaped, arrays are joined, `null`/`undefined`/`false` vanish. */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join("");
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<td>${name}</td>\`` escapes `name`; nested `html` results stay markup. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let index = 0; index < values.length; index++) {
    out += render(values[index]) + (strings[index + 1] ?? "");
  }
  return new SafeHtml(out);
}

/** Marks trusted markup (built by this package, never from stored data) as safe. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
