import type { Knex } from 'knex';

/** One stored result per image (exactly once, whatever the number of runs). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('descriptions', (t) => {
    t.string('image_id', 32).primary().references('images.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('alt_text', 2000).notNullable();
    t.text('caption').notNullable();
    t.string('title', 500).notNullable();
    t.text('description').notNullable();
    t.text('tags_json').notNullable();
    t.string('filename', 200).notNullable();
    t.text('text').notNullable();
    t.boolean('decorative').notNullable().defaultTo(false);
    t.text('manifest_json').nullable();
    t.string('describer', 20).notNullable();
    t.string('model', 200).notNullable();
    t.string('prompt_version', 40).notNullable();
    t.integer('input_tokens').nullable();
    t.integer('output_tokens').nullable();
    t.integer('duration_ms').notNullable();
    t.boolean('draft').notNullable().defaultTo(false);
    t.text('notes_json').notNullable().defaultTo('[]');
    t.bigInteger('edited_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('descriptions');
}
