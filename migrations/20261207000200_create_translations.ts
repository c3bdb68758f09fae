import type { Knex } from 'knex';

/**
 * A result's text in more languages than the one it was written in: one row per image and language,
 * replaced when new text is generated. Sealed on PostgreSQL like every text of a workspace.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('translations', (t) => {
    t.increments('id');
    t.string('image_id', 32).notNullable().references('images.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('language', 20).notNullable();
    t.text('alt_text').notNullable();
    t.text('caption').notNullable();
    t.text('title').notNullable();
    t.text('description').notNullable();
    t.integer('key_generation').nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['image_id', 'language']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('translations');
}
