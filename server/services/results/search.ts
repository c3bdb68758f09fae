/**
 * Turns what a user typed into a safe FTS5 MATCH expression: every word quoted (so FTS syntax such as
 * NEAR, column filters or a stray quote cannot break the query) and prefix-matched, all words required.
 */
export function toMatchExpression(query: string | undefined): string | undefined {
  const words = (query ?? '').match(/[\p{L}\p{N}_]+/gu)?.slice(0, 12) ?? [];
  if (words.length === 0) return undefined;
  return words.map((word) => `"${word}"*`).join(' ');
}
