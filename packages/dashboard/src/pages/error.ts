/** The page for every refused or failed request. */
import { html, type SafeHtml } from "../html.js";
import { layout, type PageContext } from "./layout.js";

/** An error page: a heading and the sentence that says what to do. */
export function errorPage(context: PageContext | null, status: number, title: string, message: string): SafeHtml {
  const content = html`<h1 data-testid="error-title">${status} ${title}</h1><p data-testid="error-message">${message}</p>
${context ? html`<p><a href="${context.base}/">« Overview</a></p>` : ""}`;
  return layout(context, title, content);
}
