import type { Db } from './knex';
import { sealColumns } from './text-codec';
import { APPROVAL_TEXT } from './sealed-tables';

export type ApprovalState = 'draft' | 'submitted' | 'approved';
export type ApprovalAction = 'submitted' | 'approved' | 'rejected';

export interface ApprovalEventRow {
  id: number;
  image_id: string;
  actor_id: number | null;
  actor_email: string | null;
  action: ApprovalAction;
  comment: string | null;
  created_at: number;
}

/** The images among `ids` of this workspace that are described and in one of `from`. */
export async function imagesInState(db: Db, workspaceId: number, ids: readonly string[], from: readonly ApprovalState[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows: { id: string }[] = await db('images').where({ user_id: workspaceId, status: 'done' }).whereIn('id', ids).whereIn('approval', from).select('id');
  return rows.map((r) => r.id);
}

export async function approvalOf(db: Db, workspaceId: number, imageId: string): Promise<ApprovalState | undefined> {
  const row: { approval: ApprovalState } | undefined = await db('images').where({ id: imageId, user_id: workspaceId }).first('approval');
  return row?.approval;
}

/**
 * Moves the images to `to` only from the states given, in one statement per call, and records one
 * event per image moved. Approving also marks them reviewed.
 */
export async function moveApproval(
  trx: Db,
  move: { workspaceId: number; actorId: number; ids: readonly string[]; from: readonly ApprovalState[]; to: ApprovalState; action: ApprovalAction; comment?: string | null },
  now: number,
): Promise<string[]> {
  const ids = await imagesInState(trx, move.workspaceId, move.ids, move.from);
  if (ids.length === 0) return [];
  const changes: Record<string, unknown> = { approval: move.to, approval_by: move.actorId, approval_at: now, updated_at: now };
  if (move.to === 'approved') changes.reviewed_at = trx.raw('coalesce(reviewed_at, ?)', [now]);
  await trx('images').where({ user_id: move.workspaceId }).whereIn('id', ids).whereIn('approval', move.from).update(changes);
  const rows = [];
  for (const imageId of ids) {
    rows.push(await sealColumns(trx, move.workspaceId, { image_id: imageId, user_id: move.workspaceId, actor_id: move.actorId, action: move.action, comment: move.comment ?? null, created_at: now }, APPROVAL_TEXT));
  }
  await trx('approval_events').insert(rows);
  return ids;
}

export function approvalHistory(db: Db, workspaceId: number, imageId: string): Promise<ApprovalEventRow[]> {
  return db('approval_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where({ 'e.image_id': imageId, 'e.user_id': workspaceId })
    .orderBy('e.id', 'desc')
    .select('e.id', 'e.image_id', 'e.actor_id', 'u.email as actor_email', 'e.action', 'e.comment', 'e.created_at');
}
