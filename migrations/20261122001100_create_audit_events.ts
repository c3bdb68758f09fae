import type { Knex } from 'knex';

/**
 * Security events (logins, logouts, password changes, invites, disabling), shown to the user they
 * concern and to admins. `user_id` is the account concerned, `actor_id` who acted when that differs
 * (an admin). Rows outlive the account as anonymous events.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_events', (t) => {
    t.increments('id');
    t.integer('user_id').nullable().references('users.id').onDelete('SET NULL');
    t.integer('actor_id').nullable().references('users.id').onDelete('SET NULL');
    t.string('event', 40).notNullable();
    t.string('ip', 64).nullable();
    t.string('user_agent', 255).nullable();
    t.string('detail', 255).nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['user_id', 'created_at']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_events');
}
