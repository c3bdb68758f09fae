import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { postgresFileBytes } from '../helpers/postgres-files';
import { testDatabaseKind } from '../helpers/test-database';
import { insertUser } from '../helpers/rows';
import { seedWordPressSite } from '../helpers/wordpress-seed';
import { siteMedia } from '../../server/db/wordpress-scans';
import { recentWrites, updateMediaFields } from '../../server/db/wordpress-writes';

describe('WordPress text on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('keeps the alt text copied from a site and the record of writes sealed, and reads them back as plaintext', async () => {
    const userId = await insertUser(t.deps.db);
    const siteId = await seedWordPressSite(t.deps, userId, { url: 'https://shop.example.com', files: ['Ptarmiganic-file.jpg', 'Okapian-meadow.jpg', 'Narwhalesque-bay.jpg'] });
    expect((await siteMedia(t.deps.db, userId, siteId)).map((m) => m.alt_text)).to.deep.equal(['', 'Okapian-meadow.jpg', 'Narwhalesque-bay.jpg']);
    expect((await recentWrites(t.deps.db, userId, siteId)).map((w) => w.old_value).sort()).to.deep.equal(['Narwhalesque-bay.jpg', 'Okapian-meadow.jpg']);
    // As a write-back leaves it: the scan's copy holds what was written.
    await updateMediaFields(t.deps.db, userId, siteId, 2, { alt_text: 'Capybaric dusk over the river' });
    expect((await siteMedia(t.deps.db, userId, siteId))[1]).to.include({ alt_text: 'Capybaric dusk over the river', title: 'Okapian-meadow.jpg' });
    await t.deps.db.raw('CHECKPOINT');
    const files = await postgresFileBytes(t.deps.db);
    // (The file names are also in the images' addresses, which are not sealed.)
    for (const word of ['Capybaric dusk', 'describes a product photograph', 'Text someone wrote by hand']) {
      expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
    }
  });
});
