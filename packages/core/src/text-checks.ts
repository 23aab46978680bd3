/**
 * Characters no backend can store the same way: NUL (Postgres refuses it in text and jsonb,
 * SQLite keeps it) and lone UTF-16 surrogates (not Unicode at all: UTF-8 cannot encode them,
 * so drivers replace or reject them). Checked in every name, key and string before storage.
 */

// `isWellFormed` exists since Node 20.0 (V8 11.x); TypeScript declares it from lib ES2024 on.
type WellFormedString = string & { isWellFormed(): boolean };

/**
 * Why `text` cannot be stored, as "contains a NUL character (\u0000) at index 3"-style text,
 * or `null` when it can. Cheap for good text: two native scans, no allocation.
 */
export function describeUnstorableText(text: string): string | null {
  const nul = text.indexOf("\u0000");
  if (nul === -1 && (text as WellFormedString).isWellFormed()) return null;
  const surrogate = loneSurrogateIndex(text);
  if (nul !== -1 && (surrogate === -1 || nul < surrogate)) return `contains a NUL character (\\u0000) at index ${nul}`;
  const unit = text.charCodeAt(surrogate).toString(16);
  return `contains a lone UTF-16 surrogate (\\u${unit}) at index ${surrogate}, which is not valid Unicode`;
}

/** What to do about text that {@link describeUnstorableText} refused. */
export const UNSTORABLE_TEXT_ADVICE =
  "NUL characters and lone surrogates cannot be stored by every backend (Postgres refuses them): remove them, or encode binary data (base64, for example)";

function loneSurrogateIndex(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++;
        continue;
      }
    }
    return index;
  }
  return -1;
}
