import type { Knex } from 'knex';

/**
 * One receipt per deleted working copy: which image (by hash), when it arrived, when it was
 * processed and deleted, and why. The user link is cut when the user deletes the image or the account.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deletion_receipts', (t) => {
    t.increments('id');
    t.integer('user_id').nullable().references('users.id').onDelete('SET NULL');
    t.string('image_id', 32).nullable(); // no foreign key: the image row may be gone
    t.string('batch_id', 32).nullable();
    t.string('original_name', 255).nullable();
    t.string('image_sha256', 64).nullable();
    t.bigInteger('received_at').notNullable();
    t.bigInteger('processed_at').nullable();
    t.bigInteger('deleted_at').notNullable();
    t.integer('retention_seconds').nullable(); // the rule applied, for "deleted 30 minutes after processing"
    t.string('reason', 20).notNullable(); // retention | user | account_deletion
    t.index(['user_id', 'deleted_at']);
    t.index(['image_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deletion_receipts');
}
