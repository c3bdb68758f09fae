import type { Knex } from 'knex';

/** The generation options a user last chose to keep (language, length, style, ...), as JSON; null = app defaults. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('describe_defaults_json').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('describe_defaults_json');
  });
}
