import type { Knex } from 'knex';

/**
 * Every write Sightline made (or tried) to a WordPress image: the value before, the value sent, who
 * approved it and when, so it can be shown, audited and undone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wordpress_writes', (t) => {
    t.increments('id');
    t.string('site_id', 32).notNullable().references('wordpress_sites.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('run_id', 32).notNullable(); // one write-back run: shown and undone together
    t.integer('media_id').notNullable();
    t.string('field', 12).notNullable(); // alt_text | caption | title
    t.text('old_value').notNullable();
    t.text('new_value').notNullable();
    t.text('current_value').nullable(); // what WordPress held when a conflict stopped the write
    t.string('status', 12).notNullable(); // written | conflict | failed | undone
    t.string('error', 500).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('approved_by').nullable().references('users.id').onDelete('SET NULL');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('undone_at').nullable();
    t.integer('key_generation').nullable(); // on PostgreSQL the text is sealed per account (text-codec.ts)
    t.index(['site_id', 'created_at']);
    t.index(['run_id']);
    t.index(['user_id', 'key_generation']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('wordpress_writes');
}
