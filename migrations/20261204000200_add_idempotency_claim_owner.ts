import type { Knex } from 'knex';

/**
 * Idempotency claims that survive a crash: `owner` is the request holding a running claim (a request
 * whose process died can be taken over), `resource_id` the image its transaction created, written in
 * that same transaction, so a retry answers with that image instead of creating a second one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.string('owner', 32).nullable();
    t.string('resource_id', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropColumn('resource_id');
    t.dropColumn('owner');
  });
}
