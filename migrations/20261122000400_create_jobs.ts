import type { Knex } from 'knex';

/** The durable queue: a worker claims a row with a lease; expired leases go back to the queue. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jobs', (t) => {
    t.increments('id');
    t.string('kind', 30).notNullable(); // describe
    t.string('image_id', 32).nullable().references('images.id').onDelete('CASCADE');
    t.integer('user_id').nullable().references('users.id').onDelete('CASCADE'); // for fairness across users
    t.text('payload_json').notNullable().defaultTo('{}');
    t.string('status', 12).notNullable().defaultTo('queued'); // queued | running | done | failed | cancelled
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable().defaultTo(5);
    t.bigInteger('run_at').notNullable();
    t.string('lease_owner', 64).nullable();
    t.bigInteger('lease_until').nullable();
    t.string('last_error', 500).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'run_at']);
    t.index(['image_id']);
  });
  await knex.schema.createTable('usage_events', (t) => {
    t.increments('id');
    t.integer('user_id').nullable().references('users.id').onDelete('SET NULL');
    t.string('image_id', 32).nullable();
    t.string('kind', 30).notNullable(); // description.created | description.retrieved
    t.string('source', 10).notNullable().defaultTo('web'); // web | api
    t.bigInteger('created_at').notNullable();
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('usage_events');
  await knex.schema.dropTable('jobs');
}
