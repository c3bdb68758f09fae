import type { Knex } from 'knex';
import { descriptionsFor } from '../../db/descriptions';
import { imagesNeedingFlags, imageFlagFacts, setImageFlags } from '../../db/image-flags';
import { readStoredOptions } from '../ingest/options';
import { checkAltText, RULE_LABELS, type RuleId } from './rules';

/** The checks a page can filter by: those of one image alone (a repeat depends on which images are compared). */
export const FILTERABLE_RULES = (Object.keys(RULE_LABELS) as RuleId[]).filter((rule) => rule !== 'duplicate');

/** A page's "flagged" filter: anything found, nothing found, or one check; anything else is no filter. */
export function parseFlagged(value: unknown): string | undefined {
  if (value === 'yes' || value === 'no') return value;
  return FILTERABLE_RULES.find((rule) => rule === value);
}

/**
 * Records what the checks find on these images' current text (`images.flags`), in the same
 * transaction as the write that changed it, so a filter by flag never disagrees with the text.
 */
export async function refreshFlags(db: Knex, userId: number, imageIds: readonly string[]): Promise<void> {
  if (imageIds.length === 0) return;
  const facts = await imageFlagFacts(db, userId, imageIds);
  const descriptions = await descriptionsFor(db, userId, facts.map((f) => f.id));
  for (const image of facts) {
    const d = descriptions.get(image.id);
    const flags = d
      ? checkAltText({ altText: d.alt_text, decorative: Boolean(d.decorative), imageText: d.text, fileName: image.original_name, limit: readStoredOptions(image.options_json).altTextLength })
        .map((finding) => finding.rule).join(',')
      : null;
    await setImageFlags(db, userId, image.id, flags);
  }
}

/** Checks described images not checked yet (those from before flags were kept): at most `limit` a run. */
export async function fillMissingFlags(db: Knex, limit = 1000): Promise<number> {
  const missing = await imagesNeedingFlags(db, limit);
  const byUser = new Map<number, string[]>();
  for (const { id, user_id: userId } of missing) byUser.set(userId, [...(byUser.get(userId) ?? []), id]);
  for (const [userId, ids] of byUser) await refreshFlags(db, userId, ids);
  return missing.length;
}
