import type { Knex } from 'knex';

/** API keys: only the SHA-256 of the key is kept; the prefix lets a user tell keys apart. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_keys', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 100).notNullable();
    t.string('prefix', 20).notNullable();
    t.string('key_hash', 64).notNullable().unique();
    t.string('scope', 10).notNullable(); // read | write (write includes read)
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').nullable();
    t.bigInteger('revoked_at').nullable();
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_keys');
}
