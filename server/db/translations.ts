import type { Knex } from 'knex';
import { sealColumns } from './text-codec';
import { TRANSLATION_TEXT } from './sealed-tables';
import type { TranslatedText } from '../describers/types';

/** Replaces an image's translations with the ones just written (none: the old ones go too). */
export async function replaceTranslations(trx: Knex, userId: number, imageId: string, translations: Record<string, TranslatedText>, now: number): Promise<void> {
  await trx('translations').where({ image_id: imageId }).del();
  const rows = [];
  for (const [language, text] of Object.entries(translations)) {
    rows.push(await sealColumns(trx, userId, { image_id: imageId, user_id: userId, language, ...text, created_at: now }, TRANSLATION_TEXT));
  }
  if (rows.length) await trx('translations').insert(rows);
}

/** The translations of these images of the account, by image id and then language. */
export async function translationsFor(db: Knex, userId: number, imageIds: readonly string[]): Promise<Map<string, Record<string, TranslatedText>>> {
  const found = new Map<string, Record<string, TranslatedText>>();
  if (imageIds.length === 0) return found;
  const rows: ({ image_id: string; language: string } & TranslatedText)[] = await db('translations')
    .where({ user_id: userId }).whereIn('image_id', imageIds).orderBy('language')
    .select('image_id', 'language', 'alt_text', 'caption', 'title', 'description');
  for (const row of rows) {
    const { image_id: imageId, language, ...text } = row;
    found.set(imageId, { ...(found.get(imageId) ?? {}), [language]: text });
  }
  return found;
}
