import type { Knex } from 'knex';

/**
 * Every version of an image's result: each generated result, each save by a person and each restore
 * adds a row holding the whole result as it was. `descriptions` stays the current result, so every
 * reader of it keeps working; this table is its history.
 *
 * state: applied (it became the current result), waiting (a generated result held back because a
 * person had edited the current one; the card offers it), held (was waiting; the person decided).
 * human_fields_json lists the fields a person wrote in this version.
 */
const EDITABLE = JSON.stringify(['alt_text', 'caption', 'title', 'description', 'tags', 'filename', 'text', 'decorative']);
const SNAPSHOT = [
  'alt_text', 'caption', 'title', 'description', 'tags_json', 'filename', 'text', 'decorative', 'manifest_json',
  'describer', 'model', 'prompt_version', 'input_tokens', 'output_tokens', 'duration_ms', 'draft', 'notes_json', 'edited_at',
].join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('description_versions', (t) => {
    t.increments('id');
    t.string('image_id', 32).notNullable().references('images.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('number').notNullable(); // 1, 2, 3… per image
    t.string('origin', 12).notNullable(); // generated | edited | restored
    t.integer('restored_from').nullable(); // the version number a restore copied
    t.integer('edited_by').nullable().references('users.id').onDelete('SET NULL'); // the person who saved or restored it
    t.string('state', 8).notNullable(); // applied | waiting | held
    t.text('human_fields_json').notNullable().defaultTo('[]');
    t.text('options_json').nullable(); // the describe options of a generated version
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
    t.unique(['image_id', 'number']);
    t.index(['user_id']);
  });
  // Results stored before history was kept become version 1. Which fields an earlier edit touched
  // was not recorded, so an edited result counts as written by its owner throughout.
  await knex.raw(
    `INSERT INTO description_versions (image_id, user_id, number, origin, edited_by, state, human_fields_json, ${SNAPSHOT}, created_at)
     SELECT image_id, user_id, 1,
       CASE WHEN edited_at IS NULL THEN 'generated' ELSE 'edited' END,
       CASE WHEN edited_at IS NULL THEN NULL ELSE user_id END,
       'applied',
       CASE WHEN edited_at IS NULL THEN '[]' ELSE ? END,
       ${SNAPSHOT}, updated_at
     FROM descriptions`,
    [EDITABLE],
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('description_versions');
}
