/** Cuts text at a word boundary so that it fits `max` characters, ending with "…" when cut. */
export function fitWords(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  if (max <= 1) return '';
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  const head = (space > max * 0.5 ? cut.slice(0, space) : cut).replace(/[\s,;:.\-–—]+$/, '');
  return `${head}…`;
}

/** Fills `template` (with one "{q}" slot for a quotation) with as much of `quote` as fits in `max`. */
export function withQuote(template: string, quote: string, max: number): string | undefined {
  const room = max - (template.length - 3);
  if (room < 8) return undefined;
  return template.replace('{q}', fitWords(quote, room));
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  return /[.!?…”"]$/.test(t) ? t : `${t}.`;
}
