import type { Knex } from 'knex';

/** A batch's budget cap: describing stops once what it spent (tokens × the admin's prices) reaches it. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.double('budget_cap').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.dropColumn('budget_cap');
  });
}
