import type { Knex } from 'knex';

/**
 * WebAuthn credentials: the public key and signature counter an authenticator registered. The id is
 * the credential id (base64url); `webauthn_user_id` is the random handle the authenticator keeps for
 * the account, the same for every passkey of one account.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('passkeys', (t) => {
    t.string('id', 512).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('webauthn_user_id', 64).notNullable();
    t.string('name', 100).notNullable();
    t.text('public_key').notNullable();
    t.bigInteger('counter').notNullable().defaultTo(0);
    t.string('transports', 200).notNullable().defaultTo('');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').nullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('passkeys');
}
