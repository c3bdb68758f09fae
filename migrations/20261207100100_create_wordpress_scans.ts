import type { Knex } from 'knex';

/**
 * A scan pages through a site's media library; `next_page` is the page to fetch next, so a scan
 * interrupted by a restart carries on from there. Each image is one row per site, refreshed by
 * later scans (which ask only for what changed since the last finished one).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wordpress_scans', (t) => {
    t.string('id', 32).primary();
    t.string('site_id', 32).notNullable().references('wordpress_sites.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('status', 12).notNullable(); // running | done | failed
    t.string('modified_after', 40).nullable(); // the site's local time passed to WordPress for a later scan
    t.string('max_modified', 40).nullable(); // the latest `modified` (site's local time) this scan saw
    t.integer('next_page').notNullable().defaultTo(1);
    t.integer('total_pages').nullable();
    t.integer('total_items').nullable();
    t.integer('items_seen').notNullable().defaultTo(0);
    t.string('error', 500).nullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('heartbeat_at').notNullable(); // a running scan not heard of for a while is resumed
    t.bigInteger('finished_at').nullable();
    t.index(['site_id', 'started_at']);
    t.index(['status']);
  });
  await knex.schema.createTable('wordpress_media', (t) => {
    t.increments('id');
    t.string('site_id', 32).notNullable().references('wordpress_sites.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('media_id').notNullable();
    t.string('source_url', 2000).notNullable();
    t.text('alt_text').notNullable();
    t.text('caption').notNullable();
    t.text('title').notNullable();
    t.string('modified_gmt', 40).notNullable();
    t.integer('parent_post').nullable();
    t.string('quality', 10).notNullable(); // missing | weak | good
    t.string('findings', 500).notNullable().defaultTo('');
    t.string('image_id', 40).nullable(); // the Sightline image describing it, once described
    t.integer('key_generation').nullable(); // on PostgreSQL the text is sealed per account (text-codec.ts)
    t.bigInteger('updated_at').notNullable();
    t.unique(['site_id', 'media_id']);
    t.index(['site_id', 'quality']);
    t.index(['user_id', 'key_generation']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('wordpress_media');
  await knex.schema.dropTable('wordpress_scans');
}
