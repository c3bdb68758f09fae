import type { Knex } from 'knex';

/** Patterns and their immutable versions: editing adds a version, so old manifests keep theirs. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('patterns', (t) => {
    t.string('id', 32).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 100).notNullable();
    t.integer('current_version').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('deleted_at').nullable();
    t.index(['user_id']);
  });
  await knex.schema.createTable('pattern_versions', (t) => {
    t.string('pattern_id', 32).notNullable().references('patterns.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.string('name', 100).notNullable();
    t.text('instructions').notNullable();
    t.text('schema_json').notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['pattern_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pattern_versions');
  await knex.schema.dropTable('patterns');
}
