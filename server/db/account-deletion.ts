import type { Knex } from 'knex';

/** Accounts whose grace period is over and that still carry an identity. */
export async function accountsDueForAnonymising(db: Knex, now: number): Promise<number[]> {
  const rows = (await db('users').whereNotNull('deletion_due_at').where('deletion_due_at', '<=', now).whereNull('anonymised_at').select('id')) as {
    id: number;
  }[];
  return rows.map((r) => r.id);
}

/**
 * Removes what identifies a person and what they made, keeping only an anonymous account row
 * (so foreign keys and the audit trail's event counts stay intact). Runs inside one transaction.
 */
export async function scrubAccount(trx: Knex, userId: number, replacement: { email: string; passwordHash: string }, now: number): Promise<void> {
  await trx('deletion_receipts').where({ user_id: userId }).delete();
  await trx('description_versions').where({ user_id: userId }).delete();
  await trx('descriptions').where({ user_id: userId }).delete();
  await trx('batches').where({ user_id: userId }).delete();
  await trx('jobs').where({ user_id: userId }).delete();
  await trx('sessions').where({ user_id: userId }).delete();
  await trx('workspace_members').where({ user_id: userId }).delete();
  await trx('api_keys').where({ user_id: userId }).delete();
  await trx('remembered_browsers').where({ user_id: userId }).delete();
  await trx('recovery_codes').where({ user_id: userId }).delete();
  await trx('totp_secrets').where({ user_id: userId }).delete();
  await trx('passkeys').where({ user_id: userId }).delete();
  // Webhook endpoints take their deliveries (payloads hold result text) with them; patterns their versions.
  await trx('webhook_endpoints').where({ user_id: userId }).delete();
  await trx('patterns').where({ user_id: userId }).delete();
  // A WordPress site takes its scans, the alt text copied from it and the record of writes with it.
  await trx('wordpress_sites').where({ user_id: userId }).delete();
  await trx('idempotency_keys').where({ user_id: userId }).delete();
  // Comparison runs take their results and votes with them; votes cast in other workspaces go too.
  await trx('comparisons').where({ user_id: userId }).delete();
  await trx('comparison_votes').where({ voter_id: userId }).delete();
  await trx('comparisons').where({ created_by: userId }).update({ created_by: null });
  await trx('usage_quotas').where({ user_id: userId }).delete();
  await trx('usage_events').where({ user_id: userId }).update({ user_id: null, image_id: null });
  // The audit log keeps what happened and when, not who or from where.
  await trx('audit_events').where({ user_id: userId }).update({ user_id: null, ip: null, user_agent: null, detail: null });
  await trx('users').where({ id: userId }).update({
    email: replacement.email,
    name: '',
    password_hash: replacement.passwordHash,
    status: 'disabled',
    image_retention: null,
    text_retention_days: null,
    describer_consent_destination: null,
    describer_consent_at: null,
    anonymised_at: now,
    updated_at: now,
  });
}
