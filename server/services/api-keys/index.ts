import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { lesserRole, type WorkspaceRole } from '../../workspaces/roles';
import {
  findApiKeyWithAccount,
  insertApiKey,
  listApiKeysForUser,
  revokeApiKeyRow,
  touchApiKey,
  type ApiKeyRow,
  type ApiKeyScope,
} from '../../db/api-keys';

export type { ApiKeyScope };

const KEY_PREFIX = 'sl_live_';
/** 32 random bytes = 256 bits, well past the 128 the issue asks for (ASVS 6.5.2 wants ≥ 112). */
const RANDOM_BYTES = 32;
/** Writing last-used on every request would serialise the API behind SQLite; a minute is precise enough. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ApiKeyView {
  id: number;
  name: string;
  /** e.g. "sl_live_Ab3d", shown as "sl_live_Ab3d…" so the user can tell keys apart. */
  prefix: string;
  scope: ApiKeyScope;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  role: WorkspaceRole;
}

export interface ApiKeyPrincipal {
  keyId: number;
  /** The workspace the key belongs to: what every query is scoped by. */
  userId: number;
  scope: ApiKeyScope;
  /** The key's role, never more than its creator's current role in the workspace. */
  role: WorkspaceRole;
  /** The person who made the key, recorded as the author of what it changes. */
  actorId: number;
  /** The workspace publishes approved text only. */
  approvalRequired: boolean;
}

/** Why a presented key was refused: each answers 401, with its own message. */
export type ApiKeyRefusal = 'invalid' | 'account_disabled' | 'account_deleted' | 'member_removed';

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

export class ApiKeyInputError extends Error {}

/**
 * Creates a key and returns its secret, the only time it exists outside the client. A key belongs to
 * the workspace and carries its creator's role there (the owner's, in a personal workspace).
 */
export async function createApiKey(
  deps: Deps,
  userId: number,
  input: { name: string; scope: string },
  creator: { id: number; role: WorkspaceRole } = { id: userId, role: 'owner' },
): Promise<{ key: string; view: ApiKeyView }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new ApiKeyInputError('Give the key a name of 1 to 100 characters.');
  if (input.scope !== 'read' && input.scope !== 'write') throw new ApiKeyInputError('Choose read or read and write.');
  const scope: ApiKeyScope = input.scope;
  const key = KEY_PREFIX + crypto.randomBytes(RANDOM_BYTES).toString('base64url');
  const now = deps.clock.now().getTime();
  const row = { user_id: userId, name, prefix: key.slice(0, KEY_PREFIX.length + 4), key_hash: hashApiKey(key), scope, created_at: now, created_by: creator.id, role: creator.role };
  const id = await insertApiKey(deps.db, row);
  return { key, view: toView({ ...row, id, last_used_at: null, revoked_at: null }) };
}

export async function listApiKeys(deps: Deps, userId: number): Promise<ApiKeyView[]> {
  return (await listApiKeysForUser(deps.db, userId)).map(toView);
}

/** Takes effect on the next request: authentication reads the row every time. */
export function revokeApiKey(deps: Deps, userId: number, id: number): Promise<boolean> {
  return revokeApiKeyRow(deps.db, userId, id, deps.clock.now().getTime());
}

/**
 * Finds the key by its hash, with its account, and compares the fixed-length digests in constant
 * time (the index lookup already matched, but equal-length buffers keep timingSafeEqual from
 * throwing on odd input). Unknown, malformed and revoked keys are 'invalid'. The account is
 * re-checked on every request, as a web session is: a deleted account's keys (revoked when it was
 * deleted) say so, and a disabled account's keys are refused until an admin re-enables it.
 */
export async function authenticateApiKey(deps: Deps, presented: string): Promise<ApiKeyPrincipal | ApiKeyRefusal> {
  if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return 'invalid';
  const digest = hashApiKey(presented);
  const row = await findApiKeyWithAccount(deps.db, digest);
  if (!row || !crypto.timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(digest, 'hex'))) return 'invalid';
  if (row.account_deletion_requested_at !== null) return 'account_deleted';
  if (row.revoked_at !== null) return 'invalid';
  if (row.account_status !== 'active') return 'account_disabled';
  const now = deps.clock.now().getTime();
  if (row.last_used_at === null || now - row.last_used_at >= TOUCH_INTERVAL_MS) await touchApiKey(deps.db, row.id, now);
  if (row.account_kind !== 'workspace') return { keyId: row.id, userId: row.user_id, scope: row.scope, role: 'owner', actorId: row.user_id, approvalRequired: false };
  // A team workspace's key lives only as long as its creator's membership, at most with their role.
  if (row.creator_status !== 'active') return 'account_disabled';
  if (!row.creator_role) return 'member_removed';
  return { keyId: row.id, userId: row.user_id, scope: row.scope, role: lesserRole(row.role, row.creator_role), actorId: row.created_by!, approvalRequired: Boolean(row.account_approval_required) };
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    role: row.role,
  };
}
