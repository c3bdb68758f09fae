import type { Db } from './knex';
import type { UserStatus } from './users';
import type { WorkspaceRole } from '../workspaces/roles';

export type ApiKeyScope = 'read' | 'write';

export interface ApiKeyRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  key_hash: string;
  scope: ApiKeyScope;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  created_by: number | null;
  role: WorkspaceRole;
}

export async function insertApiKey(db: Db, row: Omit<ApiKeyRow, 'id' | 'last_used_at' | 'revoked_at'>): Promise<number> {
  const [inserted] = await db('api_keys').insert(row).returning<{ id: number }[]>('id');
  return inserted.id;
}

/** A key with the state of the account it belongs to. */
export interface ApiKeyWithAccount extends ApiKeyRow {
  account_status: UserStatus;
  account_deletion_requested_at: number | null;
  /** 'workspace' for a team workspace's key, whose creator must still be an active member. */
  account_kind: 'person' | 'workspace';
  account_approval_required: boolean | number;
  creator_status: UserStatus | null;
  creator_role: WorkspaceRole | null;
}

/**
 * The key and its account in one query, so every request re-checks that the account is still
 * active without a second round trip (the unique index on key_hash finds one row; the join is by
 * the users primary key). A team workspace's key also brings its creator's state and current role,
 * by primary keys too.
 */
export function findApiKeyWithAccount(db: Db, keyHash: string): Promise<ApiKeyWithAccount | undefined> {
  return db('api_keys')
    .join('users', 'users.id', 'api_keys.user_id')
    .leftJoin('users as creator', 'creator.id', 'api_keys.created_by')
    .leftJoin('workspace_members as member', (on) => on.on('member.workspace_id', '=', 'api_keys.user_id').andOn('member.user_id', '=', 'api_keys.created_by'))
    .where('api_keys.key_hash', keyHash)
    .first<ApiKeyWithAccount | undefined>(
      'api_keys.*',
      'users.status as account_status',
      'users.deletion_requested_at as account_deletion_requested_at',
      'users.kind as account_kind',
      'users.approval_required as account_approval_required',
      'creator.status as creator_status',
      'member.role as creator_role',
    );
}

export function listApiKeysForUser(db: Db, userId: number): Promise<ApiKeyRow[]> {
  return db<ApiKeyRow>('api_keys').where({ user_id: userId }).orderBy('created_at', 'desc').orderBy('id', 'desc');
}

/** Scoped by owner: another user's key id changes nothing. */
export async function revokeApiKeyRow(db: Db, userId: number, id: number, now: number): Promise<boolean> {
  const changed = await db('api_keys').where({ id, user_id: userId }).whereNull('revoked_at').update({ revoked_at: now });
  return changed > 0;
}

/** Every key of the account stops working: deleting an account revokes its keys. */
export async function revokeAllApiKeysOf(db: Db, userId: number, now: number): Promise<number> {
  return db('api_keys').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now });
}

export async function touchApiKey(db: Db, id: number, now: number): Promise<void> {
  await db('api_keys').where({ id }).update({ last_used_at: now });
}
