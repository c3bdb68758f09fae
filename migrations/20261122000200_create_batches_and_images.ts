import type { Knex } from 'knex';

/**
 * A batch is one upload (or API call) with its generation options; an image belongs to one batch.
 * Image and batch ids are random strings, never sequential.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('batches', (t) => {
    t.string('id', 32).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 200).notNullable().defaultTo('');
    t.text('options_json').notNullable();
    t.string('status', 12).notNullable().defaultTo('open'); // open | cancelled
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['user_id', 'created_at']);
  });
  await knex.schema.createTable('images', (t) => {
    t.string('id', 32).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('batch_id', 32).notNullable().references('batches.id').onDelete('CASCADE');
    t.string('original_name', 255).notNullable();
    // queued | processing | done | failed | cancelled | refused
    t.string('status', 12).notNullable();
    t.string('error', 500).nullable(); // a plain reason the user can read
    t.string('source_type', 40).nullable(); // detected from the bytes, e.g. image/jpeg
    t.integer('byte_size').nullable();
    t.integer('width').nullable();
    t.integer('height').nullable();
    t.string('blurhash', 100).nullable();
    t.string('dominant_color', 7).nullable();
    t.text('embedded_json').nullable(); // caption, title, keywords found in the file
    t.string('sha256', 64).nullable(); // of the working copy
    t.string('blob_key', 80).nullable(); // null once the working copy is deleted
    t.bigInteger('expires_at').nullable(); // when the working copy must be gone
    t.bigInteger('processed_at').nullable();
    t.bigInteger('reviewed_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['user_id', 'created_at']);
    t.index(['batch_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('images');
  await knex.schema.dropTable('batches');
}
