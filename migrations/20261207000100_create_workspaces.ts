import type { Knex } from 'knex';

/**
 * Team workspaces. A workspace owns what an account owns today (batches, images, patterns, keys,
 * webhooks, quotas, privacy settings, its text key), so a team workspace is a row in `users` of kind
 * 'workspace' that nobody signs in to, and every account's own row is its personal workspace: today's
 * data is already there. Members and their roles are in `workspace_members`; invitations are links
 * stored as hashes. Images carry their approval state; API keys remember who made them and with what role.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('kind', 10).notNullable().defaultTo('person');
    t.boolean('approval_required').notNullable().defaultTo(false);
    t.boolean('two_factor_required').notNullable().defaultTo(false);
    t.integer('created_by').nullable();
  });
  await knex.schema.createTable('workspace_members', (t) => {
    t.integer('workspace_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('role', 12).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['workspace_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('workspace_invites', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('email', 254).notNullable();
    t.string('role', 12).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('created_by').nullable().references('users.id').onDelete('SET NULL');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
    t.index(['workspace_id']);
  });
  await knex.schema.alterTable('images', (t) => {
    t.string('approval', 10).notNullable().defaultTo('draft');
    t.integer('approval_by').nullable().references('users.id').onDelete('SET NULL');
    t.bigInteger('approval_at').nullable();
  });
  await knex.schema.createTable('approval_events', (t) => {
    t.increments('id');
    t.string('image_id', 32).notNullable().references('images.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('actor_id').nullable().references('users.id').onDelete('SET NULL');
    t.string('action', 12).notNullable(); // submitted | approved | rejected | reopened
    t.text('comment').nullable(); // sealed on PostgreSQL, as all of a workspace's text
    t.integer('key_generation').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['image_id']);
    t.index(['user_id']);
  });
  await knex.schema.alterTable('api_keys', (t) => {
    t.integer('created_by').nullable().references('users.id').onDelete('CASCADE');
    t.string('role', 12).notNullable().defaultTo('owner');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('role');
    t.dropColumn('created_by');
  });
  await knex.schema.dropTable('approval_events');
  await knex.schema.alterTable('images', (t) => {
    t.dropColumn('approval_at');
    t.dropColumn('approval_by');
    t.dropColumn('approval');
  });
  await knex.schema.dropTable('workspace_invites');
  await knex.schema.dropTable('workspace_members');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('created_by');
    t.dropColumn('two_factor_required');
    t.dropColumn('approval_required');
    t.dropColumn('kind');
  });
}
