import { checkAltTexts } from '../audit/rules';

/** Alt text up to this long is not flagged as too long here: WordPress themes show no length hint. */
const ALT_LIMIT = 250;

export type Quality = 'missing' | 'weak' | 'good';

export interface Classified {
  quality: Quality;
  /** The audit's labels of what is wrong, joined for display. */
  findings: string;
}

/**
 * The audit's checks over a site's whole library (so "the same as another image" can be seen):
 * no alt text is missing, any finding makes it weak, none makes it good.
 */
export function classifyAll<K>(items: { key: K; altText: string; fileName: string }[]): Map<K, Classified> {
  const checked = checkAltTexts(items.map((i) => ({ key: i.key, facts: { altText: i.altText, decorative: false, limit: ALT_LIMIT, fileName: i.fileName } })));
  const result = new Map<K, Classified>();
  for (const [key, findings] of checked) {
    const quality: Quality = findings.some((f) => f.rule === 'empty') ? 'missing' : findings.length > 0 ? 'weak' : 'good';
    result.set(key, { quality, findings: findings.map((f) => f.label).join(', ').slice(0, 500) });
  }
  return result;
}

export function fileNameOf(sourceUrl: string): string {
  try {
    return decodeURIComponent(new URL(sourceUrl).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}
