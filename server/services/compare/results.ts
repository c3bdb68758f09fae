import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { comparisonResults, findComparison, putVote, votesOf, type ComparisonResultRow, type RunDescriber } from '../../db/comparisons';

export interface ResultCell extends ComparisonResultRow {
  /** "A", "B", … in this reviewer's shuffled order for this image. */
  letter: string;
  describer: RunDescriber;
}

export interface ImageRow {
  imageId: string;
  name: string;
  cells: ResultCell[];
  /** The letter this reviewer chose, if they voted on this image. */
  votedLetter: string | null;
}

export interface DescriberTotals {
  describer: RunDescriber;
  done: number;
  failed: number;
  pending: number;
  averageMs: number | null;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  averageCost: number | null;
  /** Votes for it, from every reviewer. */
  preferred: number;
}

export interface ComparisonPage {
  id: string;
  createdAt: number;
  describers: RunDescriber[];
  images: ImageRow[];
  totals: DescriberTotals[];
  pending: number;
  votesCast: number;
  /** Names are shown once this reviewer voted on every image, or asked to see them. */
  revealed: boolean;
}

/**
 * The order a reviewer sees an image's results in: a shuffle seeded by the run, the image and the
 * reviewer, so it stays put between visits, differs from image to image, and needs no storage.
 */
export function blindOrder<T>(items: readonly T[], comparisonId: string, imageId: string, voterId: number): T[] {
  const ranked = items.map((item, i) => ({ item, rank: crypto.createHash('sha256').update(`${comparisonId}:${imageId}:${voterId}:${i}`).digest('hex') }));
  return ranked.sort((a, b) => a.rank.localeCompare(b.rank)).map((r) => r.item);
}

const LETTERS = 'ABCD';

export async function comparisonPage(deps: Pick<Deps, 'db'>, scope: number, id: string, voterId: number, reveal: boolean): Promise<ComparisonPage> {
  const run = await findComparison(deps.db, scope, id);
  if (!run) throw new HttpError(404, 'We could not find that comparison.', 'not_found');
  const [rows, votes] = await Promise.all([comparisonResults(deps.db, scope, id), votesOf(deps.db, scope, id)]);
  const byImage = new Map<string, typeof rows>();
  for (const row of rows) byImage.set(row.image_id, [...(byImage.get(row.image_id) ?? []), row]);
  const mine = new Map(votes.filter((v) => v.voter_id === voterId).map((v) => [v.image_id, v.describer_key]));
  const images: ImageRow[] = [...byImage.entries()].map(([imageId, results]) => {
    const cells = blindOrder(results, id, imageId, voterId).map((r, i) => ({ ...r, letter: LETTERS[i]!, describer: run.describers.find((d) => d.key === r.describer_key)! }));
    const voted = mine.get(imageId);
    return { imageId, name: results[0]!.original_name, cells, votedLetter: cells.find((c) => c.describer_key === voted)?.letter ?? null };
  });
  const totals = run.describers.map((d) => totalsOf(d, rows.filter((r) => r.describer_key === d.key), votes.filter((v) => v.describer_key === d.key).length));
  return {
    id, createdAt: run.created_at, describers: run.describers, images, totals,
    pending: rows.filter((r) => r.status === 'queued').length,
    votesCast: votes.length,
    revealed: reveal || (images.length > 0 && images.every((i) => i.votedLetter !== null)),
  };
}

function totalsOf(describer: RunDescriber, rows: ComparisonResultRow[], preferred: number): DescriberTotals {
  const done = rows.filter((r) => r.status === 'done');
  const sum = (f: (r: ComparisonResultRow) => number | null) => done.reduce((acc, r) => acc + (f(r) ?? 0), 0);
  const cost = sum((r) => r.cost);
  return {
    describer, done: done.length, failed: rows.filter((r) => r.status === 'failed').length, pending: rows.filter((r) => r.status === 'queued').length,
    averageMs: done.length ? Math.round(sum((r) => r.duration_ms) / done.length) : null,
    inputTokens: sum((r) => r.input_tokens), outputTokens: sum((r) => r.output_tokens),
    cost, averageCost: done.length ? cost / done.length : null, preferred,
  };
}

/** A reviewer's choice for one image, by the letter they saw; a second vote replaces the first. */
export async function castVote(deps: Pick<Deps, 'db' | 'clock'>, scope: number, id: string, voterId: number, input: { imageId?: unknown; choice?: unknown }): Promise<void> {
  const run = await findComparison(deps.db, scope, id);
  if (!run) throw new HttpError(404, 'We could not find that comparison.', 'not_found');
  const imageId = typeof input.imageId === 'string' ? input.imageId : '';
  const results = (await comparisonResults(deps.db, scope, id)).filter((r) => r.image_id === imageId);
  if (results.length === 0) throw new HttpError(400, 'That image is not part of this comparison.', 'invalid_image');
  const index = typeof input.choice === 'string' ? LETTERS.indexOf(input.choice) : -1;
  const chosen = index >= 0 ? blindOrder(results, id, imageId, voterId)[index] : undefined;
  if (!chosen || chosen.status !== 'done') throw new HttpError(400, 'Choose one of the results shown (A, B, …) that has text.', 'invalid_choice');
  await putVote(deps.db, { comparisonId: id, userId: scope, voterId, imageId, describerKey: chosen.describer_key }, deps.clock.now().getTime());
}
