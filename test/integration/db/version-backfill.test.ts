import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDb, migrateLatest, migrationConfig, Db } from '../../../server/db/knex';
import { insertBatch, insertImage, insertUser } from '../../helpers/rows';
import { insertDescription } from '../../helpers/description-rows';

const MIGRATION = '20261122007100_create_description_versions.js';

describe('the result versions migration', () => {
  let dir: string;
  let db: Db;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-versions-'));
    db = createDb({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') });
  });
  after(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every result stored before it as version 1, an edited one as written by its owner, and drops the table on the way down', async () => {
    await migrateLatest(db);
    await db.migrate.down({ ...migrationConfig, name: MIGRATION });
    expect(await db.schema.hasTable('description_versions')).to.equal(false);

    const userId = await insertUser(db);
    const batchId = await insertBatch(db, userId);
    const generated = await insertImage(db, userId, batchId);
    const edited = await insertImage(db, userId, batchId);
    await insertDescription(db, generated, userId, { alt_text: 'Machine words', updated_at: 1000 });
    await insertDescription(db, edited, userId, { alt_text: 'Human words', edited_at: 2000, updated_at: 2000 });

    await migrateLatest(db);
    const rows = await db('description_versions').orderBy('image_id').select('image_id', 'number', 'origin', 'state', 'edited_by', 'human_fields_json', 'alt_text', 'created_at');
    expect(rows.find((r) => r.image_id === generated)).to.deep.include({ number: 1, origin: 'generated', state: 'applied', edited_by: null, human_fields_json: '[]', alt_text: 'Machine words', created_at: 1000 });
    expect(rows.find((r) => r.image_id === edited)).to.deep.include({ number: 1, origin: 'edited', state: 'applied', edited_by: userId, alt_text: 'Human words', created_at: 2000 });
    expect(JSON.parse(rows.find((r) => r.image_id === edited).human_fields_json)).to.include.members(['alt_text', 'caption', 'tags', 'decorative']);
  });
});
