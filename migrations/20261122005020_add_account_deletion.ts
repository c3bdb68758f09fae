import type { Knex } from 'knex';

/**
 * Account deletion is soft for a grace period (signing in restores the account), then final:
 * the hourly job anonymises the row once deletion_due_at has passed.
 * describer_consent_* records the one-time confirmation that images may leave this machine.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.bigInteger('deletion_requested_at').nullable();
    t.bigInteger('deletion_due_at').nullable();
    t.bigInteger('anonymised_at').nullable();
    t.string('describer_consent_destination', 255).nullable();
    t.bigInteger('describer_consent_at').nullable();
    t.index(['deletion_due_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropIndex(['deletion_due_at']);
    t.dropColumn('describer_consent_at');
    t.dropColumn('describer_consent_destination');
    t.dropColumn('anonymised_at');
    t.dropColumn('deletion_due_at');
    t.dropColumn('deletion_requested_at');
  });
}
