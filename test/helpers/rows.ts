import crypto from 'node:crypto';
import type { Knex } from 'knex';

/** Minimal rows for queue tests that do not go through sign-up or upload. */
export async function insertUser(db: Knex, email = `u${crypto.randomBytes(4).toString('hex')}@example.test`): Promise<number> {
  const now = Date.now();
  const [row] = await db('users').insert({ email, name: 'Test', password_hash: 'x', created_at: now, updated_at: now }).returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

export async function insertBatch(db: Knex, userId: number, options: Record<string, unknown> = {}): Promise<string> {
  const id = crypto.randomBytes(12).toString('base64url');
  const now = Date.now();
  await db('batches').insert({ id, user_id: userId, options_json: JSON.stringify(options), created_at: now, updated_at: now });
  return id;
}

export async function insertImage(
  db: Knex,
  userId: number,
  batchId: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const id = crypto.randomBytes(12).toString('base64url');
  const now = Date.now();
  await db('images').insert({
    id,
    user_id: userId,
    batch_id: batchId,
    original_name: 'photo.jpg',
    status: 'queued',
    width: 64,
    height: 48,
    created_at: now,
    updated_at: now,
    ...extra,
  });
  return id;
}
