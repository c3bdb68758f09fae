import type { Knex } from 'knex';

/**
 * Describers an admin configures to compare (OpenAI-compatible servers, the key sealed with the
 * instance key), comparison runs over a sample of a workspace's images, each image's result per
 * describer (text sealed on PostgreSQL like every text of a workspace), and reviewers' blind votes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('describer_configs', (t) => {
    t.string('id', 32).primary();
    t.string('name', 80).notNullable();
    t.string('base_url', 500).notNullable();
    t.string('model', 200).notNullable();
    t.text('api_key_sealed').nullable();
    t.double('price_input_per_m').notNullable().defaultTo(0);
    t.double('price_output_per_m').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('comparisons', (t) => {
    t.string('id', 32).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('created_by').nullable().references('users.id').onDelete('SET NULL');
    t.string('batch_id', 32).nullable();
    // What each describer was when the run started (name, model, prices), so later edits change no result.
    t.text('describers_json').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['user_id']);
  });
  await knex.schema.createTable('comparison_results', (t) => {
    t.increments('id');
    t.string('comparison_id', 32).notNullable().references('comparisons.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('image_id', 32).notNullable().references('images.id').onDelete('CASCADE');
    t.string('describer_key', 40).notNullable();
    t.integer('position').notNullable();
    t.string('status', 12).notNullable().defaultTo('queued'); // queued | done | failed
    t.text('alt_text').nullable();
    t.text('description').nullable();
    t.integer('duration_ms').nullable();
    t.integer('input_tokens').nullable();
    t.integer('output_tokens').nullable();
    t.double('cost').nullable();
    t.string('error', 500).nullable();
    t.integer('key_generation').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['comparison_id', 'image_id', 'describer_key']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('comparison_votes', (t) => {
    t.increments('id');
    t.string('comparison_id', 32).notNullable().references('comparisons.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('voter_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('image_id', 32).notNullable().references('images.id').onDelete('CASCADE');
    t.string('describer_key', 40).notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['comparison_id', 'image_id', 'voter_id']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('comparison_votes');
  await knex.schema.dropTable('comparison_results');
  await knex.schema.dropTable('comparisons');
  await knex.schema.dropTable('describer_configs');
}
