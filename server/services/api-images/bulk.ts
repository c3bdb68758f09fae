import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { parseReplaceEdits, regenerateOptionsWithPattern } from '../describe/control';
import { approve, mustMayEditAll, sendBack, submitForApproval } from '../approval';
import { BULK_ACTION_ROLES, deleteSelection, markSelectionReviewed, ownImages, parseSelection, redescribeSelection } from '../review/selection';
import { atLeast } from '../../workspaces/roles';
import type { WorkspaceContext } from '../../workspaces/context';

export const API_BULK_ACTIONS = ['review', 'unreview', 'redescribe', 'delete', 'submit', 'approve', 'send_back'] as const;

export interface BulkAnswer {
  object: 'bulk_action';
  action: (typeof API_BULK_ACTIONS)[number];
  /** The ids sent that are this workspace's images (others are left out, as if they did not exist). */
  ids: string[];
  /** How many were changed: marked, queued again, deleted, or moved a step of approval. */
  done: number;
}

/**
 * `POST /api/v1/images/bulk`: the web's bulk actions on a list of image ids, at once (at most 1,000),
 * each needing the same role of the key as of a person on the web (deleting needs an editor's key).
 */
export async function apiBulkAction(deps: Deps, workspace: WorkspaceContext, actorId: number, body: Record<string, unknown>): Promise<BulkAnswer> {
  const action = API_BULK_ACTIONS.find((a) => a === body.action);
  if (!action) throw new HttpError(400, `action must be one of ${API_BULK_ACTIONS.join(', ')}.`, 'invalid_action');
  const needed = BULK_ACTION_ROLES[action];
  if (!atLeast(workspace.role, needed)) throw new HttpError(403, `This key carries the ${workspace.role} role in its workspace; ${action} needs ${needed}.`, 'insufficient_role');
  if (!Array.isArray(body.ids)) throw new HttpError(400, 'ids must be a list of image ids.', 'invalid_selection');
  const userId = workspace.id;
  const requested = parseSelection({ ids: body.ids });
  const own = new Set((await ownImages(deps, userId, requested)).map((image) => image.id));
  const ids = requested.filter((id) => own.has(id)); // in the order sent
  const answer = (done: number): BulkAnswer => ({ object: 'bulk_action', action, ids, done });
  if (ids.length === 0) return answer(0);
  if (action === 'review' || action === 'unreview') return answer(await markSelectionReviewed(deps, userId, ids, action === 'review'));
  if (action === 'delete') return answer((await deleteSelection(deps, userId, ids)).deleted);
  if (action === 'submit') return answer((await submitForApproval(deps, workspace, actorId, ids)).moved.length);
  if (action === 'approve') return answer((await approve(deps, workspace, actorId, ids)).moved.length);
  if (action === 'send_back') return answer((await sendBack(deps, workspace, actorId, ids, body.comment)).moved.length);
  await mustMayEditAll(deps, workspace, ids);
  const { alt_text_length: altTextLength, tag_count: tagCount, replace_edits: replaceEdits, ids: _ids, action: _action, ...rest } = body;
  const options = await regenerateOptionsWithPattern(deps, userId, { altTextLength, tagCount, ...rest });
  return answer((await redescribeSelection(deps, userId, ids, options, parseReplaceEdits({ replace_edits: replaceEdits }))).queued);
}
