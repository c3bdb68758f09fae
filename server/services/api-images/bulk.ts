import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { parseReplaceEdits, regenerateOptionsWithPattern } from '../describe/control';
import { deleteSelection, markSelectionReviewed, ownImages, parseSelection, redescribeSelection } from '../review/selection';

const API_ACTIONS = ['review', 'unreview', 'redescribe', 'delete'] as const;

export interface BulkAnswer {
  object: 'bulk_action';
  action: (typeof API_ACTIONS)[number];
  /** The ids sent that are this account's images (others are left out, as if they did not exist). */
  ids: string[];
  /** How many were changed: marked, queued again or deleted. */
  done: number;
}

/** `POST /api/v1/images/bulk`: the web's bulk actions on a list of image ids, at once (at most 1,000). */
export async function apiBulkAction(deps: Deps, userId: number, body: Record<string, unknown>): Promise<BulkAnswer> {
  const action = API_ACTIONS.find((a) => a === body.action);
  if (!action) throw new HttpError(400, `action must be one of ${API_ACTIONS.join(', ')}.`, 'invalid_action');
  if (!Array.isArray(body.ids)) throw new HttpError(400, 'ids must be a list of image ids.', 'invalid_selection');
  const requested = parseSelection({ ids: body.ids });
  const own = new Set((await ownImages(deps, userId, requested)).map((image) => image.id));
  const ids = requested.filter((id) => own.has(id)); // in the order sent
  const answer = (done: number): BulkAnswer => ({ object: 'bulk_action', action, ids, done });
  if (ids.length === 0) return answer(0);
  if (action === 'review' || action === 'unreview') return answer(await markSelectionReviewed(deps, userId, ids, action === 'review'));
  if (action === 'delete') return answer((await deleteSelection(deps, userId, ids)).deleted);
  const { alt_text_length: altTextLength, tag_count: tagCount, replace_edits: replaceEdits, ids: _ids, action: _action, ...rest } = body;
  const options = await regenerateOptionsWithPattern(deps, userId, { altTextLength, tagCount, ...rest });
  return answer((await redescribeSelection(deps, userId, ids, options, parseReplaceEdits({ replace_edits: replaceEdits }))).queued);
}
