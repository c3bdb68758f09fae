import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { addImages, seedBatch } from '../helpers/queue-fixtures';
import { postgresFileBytes } from '../helpers/postgres-files';
import { replaceTranslations, translationsFor } from '../../server/db/translations';

describe('a result\'s translations, on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(() => t.close());

  it('are sealed under the account\'s key, yet read back as written', async () => {
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    const text = { alt_text: 'Ein Okapiwürfel im Schnee', caption: 'Schneeokapi', title: 'Okapi', description: '' };
    await t.deps.db.transaction((trx) => replaceTranslations(trx, userId, imageId!, { de: text }, Date.now()));
    const files = await postgresFileBytes(t.deps.db);
    expect(files.tables.includes('Okapiw'), 'in the table files').to.equal(false);
    expect(files.wal.includes('Okapiw'), 'in the WAL').to.equal(false);
    expect((await translationsFor(t.deps.db, userId, [imageId!])).get(imageId!)).to.deep.equal({ de: text });
  });
});
