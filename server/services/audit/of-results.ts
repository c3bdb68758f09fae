import { DEFAULT_DESCRIBE_OPTIONS } from '../../describers/types';
import { checkAltTexts, type Finding } from './rules';

/** What the checks need of one image's current result. */
export interface CheckedResult<K> {
  key: K;
  altText: string;
  decorative: boolean;
  /** Text read in the image. */
  text: string;
  fileName: string;
  /** The alt text length its batch asked for; the default when unknown. */
  limit?: number;
}

/**
 * The checks of the results shown together (a page, an API answer, an export), found together so
 * the same alt text on two of them is flagged. Cards, the API and exports all call this.
 */
export function checkResults<K>(results: CheckedResult<K>[], elsewhere: readonly string[] = []): Map<K, Finding[]> {
  return checkAltTexts(
    results.map((r) => ({
      key: r.key,
      facts: { altText: r.altText, decorative: r.decorative, imageText: r.text, fileName: r.fileName, limit: r.limit ?? DEFAULT_DESCRIBE_OPTIONS.altTextLength },
    })),
    elsewhere,
  );
}
