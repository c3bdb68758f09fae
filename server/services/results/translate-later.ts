import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { findImage } from '../../db/images';
import { findBatch } from '../../db/batches';
import { descriptionsFor } from '../../db/descriptions';
import { replaceTranslations, translationsFor } from '../../db/translations';
import { DescriberError, type TranslatedText } from '../../describers/types';
import { parseAlsoIn, readStoredOptions } from '../ingest/options';

/** Each language is one model request; a person waits for them, so they are bounded. */
const TRANSLATION_TIMEOUT_MS = 60_000;

/**
 * Writes the image's current text (a person's edits included) in more languages now, without
 * describing the image again: one model request per language, while the person waits. A language
 * already there is written again from the current text; the others are kept.
 */
export async function translateCurrentText(deps: Deps, userId: number, imageId: string, languages: unknown): Promise<string[]> {
  const image = await findImage(deps.db, userId, imageId);
  if (!image) throw new HttpError(404, 'We could not find that image.', 'not_found');
  const current = (await descriptionsFor(deps.db, userId, [imageId])).get(imageId);
  if (!current) throw new HttpError(409, 'This image has no text to translate yet.', 'not_described');
  const translate = deps.describer.translate?.bind(deps.describer);
  if (!translate) throw new HttpError(409, 'The offline describer writes English only: translating needs a model server (OPENAI_BASE_URL).', 'no_translator');
  const batch = await findBatch(deps.db, userId, image.batch_id);
  const options = readStoredOptions(batch?.options_json);
  const codes = parseAlsoIn(languages, options.language);
  if (codes.length === 0) throw new HttpError(400, 'Give the language codes to write the text in, e.g. de, fr.', 'invalid_options');

  const source: TranslatedText = { alt_text: current.alt_text, caption: current.caption, title: current.title, description: current.description };
  const written: Record<string, TranslatedText> = {};
  for (const code of codes) {
    try {
      written[code] = await translate(source, code, options, AbortSignal.timeout(TRANSLATION_TIMEOUT_MS));
    } catch (err) {
      const reason = err instanceof DescriberError ? err.message : 'the model server did not answer in time';
      throw new HttpError(502, `Could not write it in ${code}: ${reason}. Nothing was changed.`, 'translation_failed');
    }
  }
  const kept = (await translationsFor(deps.db, userId, [imageId])).get(imageId) ?? {};
  await deps.db.transaction((trx) => replaceTranslations(trx, userId, imageId, { ...kept, ...written }, deps.clock.now().getTime()));
  return codes;
}
