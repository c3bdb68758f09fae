import type { Knex } from 'knex';

/**
 * A lease on each webhook delivery: the dispatcher that claims a due delivery sets `locked_until`, so
 * dispatchers in other processes leave it alone while it is being sent, and take it again only after
 * the lease ends (its dispatcher died mid-send). Null: nobody holds it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.bigInteger('locked_until').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('locked_until');
  });
}
