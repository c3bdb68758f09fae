import type { Knex } from 'knex';

export interface InviteRow {
  id: number;
  token_hash: string;
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export async function insertInvite(db: Knex, invite: Omit<InviteRow, 'id' | 'used_at'>): Promise<void> {
  await db('invites').insert(invite);
}

export async function findUsableInvite(db: Knex, tokenHash: string, now: number): Promise<InviteRow | undefined> {
  return db<InviteRow>('invites')
    .where({ token_hash: tokenHash })
    .whereNull('used_at')
    .where('expires_at', '>', now)
    .first();
}

/** Marks the invite used only if it still is usable; false when another request got there first. */
export async function consumeInvite(db: Knex, tokenHash: string, now: number): Promise<boolean> {
  const changed = await db('invites')
    .where({ token_hash: tokenHash })
    .whereNull('used_at')
    .where('expires_at', '>', now)
    .update({ used_at: now });
  return changed === 1;
}

export async function listInvites(db: Knex, limit = 50): Promise<InviteRow[]> {
  return db<InviteRow>('invites').orderBy('id', 'desc').limit(limit);
}
