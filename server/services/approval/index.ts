import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { approvalHistory, approvalOf, imagesInState, moveApproval, type ApprovalEventRow, type ApprovalState } from '../../db/approvals';
import { recordApprovedDeliveries } from '../../webhooks/outbox';
import type { WorkspaceContext } from '../../workspaces/context';
import { atLeast } from '../../workspaces/roles';

export type { ApprovalState };

const COMMENT_MAX = 500;

export interface ApprovalOutcome {
  moved: string[];
  /** Chosen images that were not in a state this step moves from (not described yet, or already past it). */
  skipped: number;
}

/** A contributor (or anyone above) submits described drafts for approval. */
export async function submitForApproval(deps: Deps, workspace: WorkspaceContext, actorId: number, ids: readonly string[]): Promise<ApprovalOutcome> {
  mustBe(workspace, 'contributor', 'submit text for approval');
  const now = deps.clock.now().getTime();
  const moved = await deps.db.transaction((trx) => moveApproval(trx, { workspaceId: workspace.id, actorId, ids, from: ['draft'], to: 'submitted', action: 'submitted' }, now));
  return { moved, skipped: ids.length - moved.length };
}

/**
 * An editor approves: the text is what exports, webhooks and integrations publish from now on.
 * `image.approved` deliveries are written in the same transaction, so neither can be lost alone.
 */
export async function approve(deps: Deps, workspace: WorkspaceContext, actorId: number, ids: readonly string[]): Promise<ApprovalOutcome> {
  mustBe(workspace, 'editor', 'approve text');
  const now = deps.clock.now().getTime();
  const moved = await deps.db.transaction(async (trx) => {
    const approved = await moveApproval(trx, { workspaceId: workspace.id, actorId, ids, from: ['draft', 'submitted'], to: 'approved', action: 'approved' }, now);
    await recordApprovedDeliveries(trx, workspace.id, approved, now);
    return approved;
  });
  return { moved, skipped: ids.length - moved.length };
}

/** An editor sends text back to draft, with a comment saying what to change. */
export async function sendBack(deps: Deps, workspace: WorkspaceContext, actorId: number, ids: readonly string[], comment: unknown): Promise<ApprovalOutcome> {
  mustBe(workspace, 'editor', 'send text back');
  const text = typeof comment === 'string' ? comment.trim() : '';
  if (!text) throw new HttpError(400, 'Say what should change, so the contributor knows.', 'invalid');
  if (text.length > COMMENT_MAX) throw new HttpError(400, `A comment has at most ${COMMENT_MAX} characters.`, 'invalid');
  const now = deps.clock.now().getTime();
  const moved = await deps.db.transaction((trx) => moveApproval(trx, { workspaceId: workspace.id, actorId, ids, from: ['submitted', 'approved'], to: 'draft', action: 'rejected', comment: text }, now));
  return { moved, skipped: ids.length - moved.length };
}

/**
 * Approved text is changed only by an editor (or owner): contributors edit what is not yet approved.
 * Throws 403 otherwise; a missing image is left to the caller's own 404.
 */
export async function mustMayEdit(deps: Deps, workspace: WorkspaceContext, imageId: string): Promise<void> {
  if (atLeast(workspace.role, 'editor')) return;
  if ((await approvalOf(deps.db, workspace.id, imageId)) === 'approved') {
    throw new HttpError(403, 'This text is approved: only an editor can change it. Ask an editor to send it back first.', 'forbidden');
  }
}

/** The same rule for many images (describing again in bulk): 403 when any of them is approved. */
export async function mustMayEditAll(deps: Deps, workspace: WorkspaceContext, imageIds: readonly string[]): Promise<void> {
  if (atLeast(workspace.role, 'editor')) return;
  if ((await imagesInState(deps.db, workspace.id, imageIds, ['approved'])).length > 0) {
    throw new HttpError(403, 'Some of the chosen images are approved: only an editor can describe them again.', 'forbidden');
  }
}

export type ApprovalStep = 'submit' | 'approve' | 'send_back';

/**
 * One step for one image, as the image's page and the API take it: 404 for an image not in the
 * workspace, 400 for an unknown step, 403 for a role that may not take it.
 */
export async function approvalStep(deps: Deps, workspace: WorkspaceContext, actorId: number, imageId: string, input: { step?: unknown; comment?: unknown }): Promise<{ step: ApprovalStep; outcome: ApprovalOutcome }> {
  if (!(await approvalOf(deps.db, workspace.id, imageId))) throw new HttpError(404, 'We could not find that image.', 'not_found');
  const ids = [imageId];
  if (input.step === 'submit') return { step: 'submit', outcome: await submitForApproval(deps, workspace, actorId, ids) };
  if (input.step === 'approve') return { step: 'approve', outcome: await approve(deps, workspace, actorId, ids) };
  if (input.step === 'send_back') return { step: 'send_back', outcome: await sendBack(deps, workspace, actorId, ids, input.comment) };
  throw new HttpError(400, 'Choose a step: submit, approve or send_back.', 'invalid');
}

export function historyOf(deps: Deps, workspace: WorkspaceContext, imageId: string): Promise<ApprovalEventRow[]> {
  return approvalHistory(deps.db, workspace.id, imageId);
}

function mustBe(workspace: WorkspaceContext, role: 'contributor' | 'editor', what: string): void {
  if (!atLeast(workspace.role, role)) throw new HttpError(403, `Only ${role === 'editor' ? 'an editor' : 'a contributor'} or above can ${what} in ${workspace.name}.`, 'forbidden');
}
