import { z } from 'zod';
import { refreshFlags } from '../audit/flags';
import type { Deps } from '../../deps';
import { findImage } from '../../db/images';
import { saveEdit } from '../../db/description-versions';
import { descriptionsFor } from '../../db/descriptions';

/** The same caps the describer applies to model output, so an edit cannot store more than a result. */
const field = (max: number) => z.string().max(max, `must be at most ${max} characters`).transform((value) => value.replace(/\r\n/g, '\n').trim());

const editSchema = z.object({
  alt_text: field(2000),
  caption: field(5000),
  title: field(500),
  description: field(10000),
  tags: field(3000),
  filename: field(200),
  text: field(10000),
  decorative: z.string().optional(),
});

const LABELS: Record<string, string> = {
  alt_text: 'Alt text',
  caption: 'Caption',
  title: 'Title',
  description: 'Description',
  tags: 'Tags',
  filename: 'File name',
  text: 'Text in the image',
};

export type EditResult =
  | { ok: true; batchId: string; changed: boolean }
  | { ok: false; status: 404 }
  | { ok: false; status: 400; batchId: string; error: string };

/**
 * Saves the user's own wording for every output field; exports and search then use it, and the
 * image's history keeps it as a version (the FTS triggers re-index it).
 */
export async function editDescription(deps: Deps, userId: number, imageId: string, form: Record<string, unknown>): Promise<EditResult> {
  const image = await findImage(deps.db, userId, imageId);
  if (!image) return { ok: false, status: 404 };
  const parsed = editSchema.safeParse({ alt_text: '', caption: '', title: '', description: '', tags: '', filename: '', text: '', ...form });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, status: 400, batchId: image.batch_id, error: `${LABELS[String(issue.path[0])] ?? 'A field'}: ${issue.message}` };
  }
  const f = parsed.data;
  const tags = [...new Set(f.tags.split(/[,\n]/).map((tag) => tag.trim()).filter(Boolean))].slice(0, 50);
  const outcome = await saveEdit(
    deps.db,
    userId,
    imageId,
    {
      alt_text: f.alt_text,
      caption: f.caption,
      title: f.title,
      description: f.description,
      tags_json: JSON.stringify(tags),
      filename: f.filename,
      text: f.text,
      decorative: f.decorative === 'on' || f.decorative === 'true',
    },
    deps.clock.now().getTime(),
  );
  if (outcome === 'missing') return { ok: false, status: 400, batchId: image.batch_id, error: 'This image has no description to edit yet.' };
  if (outcome === 'saved') await refreshFlags(deps.db, userId, [imageId]);
  return { ok: true, batchId: image.batch_id, changed: outcome === 'saved' };
}

/**
 * Saves a new alt text alone (the review table's in-place edit): every other field stays as it is,
 * read from the current result, so the version it makes differs in the alt text only.
 */
export async function editAltText(deps: Deps, userId: number, imageId: string, altText: unknown): Promise<EditResult> {
  const current = (await descriptionsFor(deps.db, userId, [imageId])).get(imageId);
  if (!current) return editDescription(deps, userId, imageId, { alt_text: altText });
  const tags = JSON.parse(current.tags_json || '[]') as string[];
  return editDescription(deps, userId, imageId, {
    alt_text: altText,
    caption: current.caption,
    title: current.title,
    description: current.description,
    tags: tags.join(', '),
    filename: current.filename,
    text: current.text,
    ...(current.decorative ? { decorative: 'on' } : {}),
  });
}
