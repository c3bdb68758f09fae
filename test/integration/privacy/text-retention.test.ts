import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { insertUser, insertBatch, insertImage } from '../../helpers/rows';
import { purgeExpiredText } from '../../../server/services/retention/purge-text';
import { checkpointAndOptimize } from '../../../server/services/maintenance/database';
import { purgeExpiredTextJob } from '../../../jobs/purge-expired-text';
import { maintainDatabaseJob } from '../../../jobs/maintain-database';
import { databaseBytes } from '../../helpers/file-scan';
import { itOnSqlite } from '../../helpers/test-database';

const DAY = 24 * 3600 * 1000;

async function imageWithText(t: TestApp, userId: number, altText: string): Promise<string> {
  const now = t.clock.now().getTime();
  const batchId = await insertBatch(t.deps.db, userId);
  await t.deps.db('batches').where({ id: batchId }).update({ created_at: now });
  const imageId = await insertImage(t.deps.db, userId, batchId, { status: 'done', created_at: now, processed_at: now, updated_at: now });
  await t.deps.db('descriptions').insert({
    image_id: imageId,
    user_id: userId,
    alt_text: altText,
    caption: '',
    title: '',
    description: '',
    tags_json: '[]',
    filename: 'x',
    text: '',
    describer: 'openai',
    model: 'm',
    prompt_version: '1',
    duration_ms: 1,
    created_at: now,
    updated_at: now,
  });
  return imageId;
}

describe('text retention', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('deletes text, images and empty batches older than the account\'s chosen period, and nothing younger', async () => {
    const userId = await insertUser(t.deps.db);
    await t.deps.db('users').where({ id: userId }).update({ text_retention_days: 30 });
    const old = await imageWithText(t, userId, 'an old harbour at dusk');
    t.clock.advance(10 * DAY);
    const young = await imageWithText(t, userId, 'a young fox');
    t.clock.advance(20 * DAY);
    const counts = await purgeExpiredText(t.deps);
    expect(counts).to.deep.equal({ users: 1, images: 1, batches: 1 });
    expect(await t.deps.db('images').where({ id: old }).first()).to.equal(undefined);
    expect(await t.deps.db('descriptions').where({ image_id: old }).first()).to.equal(undefined);
    expect(await t.deps.db('descriptions').where({ image_id: young }).first()).to.not.equal(undefined);
  });

  itOnSqlite('leaves no trace of purged text in the SQLite file or its WAL once the daily maintenance has run', async () => {
    const userId = await insertUser(t.deps.db);
    await t.deps.db('users').where({ id: userId }).update({ text_retention_days: 30 });
    // One word each, in lower case: found both in the stored text and in the search index's terms.
    await imageWithText(t, userId, 'a harbour at dusk, quillwortmarker4417');
    t.clock.advance(10 * DAY);
    await imageWithText(t, userId, 'a young fox, foxglovemarker2290');
    // Both in the file (or its WAL) to begin with, so the scan below can see text at all.
    let bytes = await databaseBytes(t);
    expect(bytes.includes(Buffer.from('quillwortmarker4417')), 'old text before').to.equal(true);
    t.clock.advance(20 * DAY);
    expect(await purgeExpiredTextJob.run(t.deps, { atBoot: false })).to.include({ images: 1 });
    await maintainDatabaseJob.run(t.deps, { atBoot: false });
    bytes = await databaseBytes(t);
    expect(bytes.includes(Buffer.from('quillwortmarker4417')), 'purged text').to.equal(false);
    expect(bytes.includes(Buffer.from('foxglovemarker2290')), 'kept text').to.equal(true);
  });

  it('keeps text forever for accounts that chose no period', async () => {
    const userId = await insertUser(t.deps.db);
    const imageId = await imageWithText(t, userId, 'kept');
    t.clock.advance(3650 * DAY);
    await purgeExpiredText(t.deps);
    expect(await t.deps.db('descriptions').where({ image_id: imageId }).first()).to.not.equal(undefined);
  });

  itOnSqlite('checkpoints the WAL into the database file and leaves the WAL empty', async () => {
    const userId = await insertUser(t.deps.db);
    await imageWithText(t, userId, 'something');
    const counts = await checkpointAndOptimize(t.deps);
    expect(counts.busy).to.equal(0);
    const fs = await import('node:fs');
    expect(fs.statSync(`${t.config.databaseFile}-wal`).size).to.equal(0);
  });
});
