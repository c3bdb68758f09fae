import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { insertBatch, insertImage, insertUser } from '../helpers/rows';
import * as fx from '../helpers/image-fixtures';
import { postgresFileBytes, sealedLeftovers } from '../helpers/postgres-files';
import { prepareUpload, createBatch } from '../../server/services/ingest';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../server/describers/types';
import { libraryPage } from '../../server/services/results';
import { findImages } from '../../server/db/retention';
import { deleteWorkingCopy } from '../../server/services/retention/working-copy';
import { removeImages } from '../../server/services/retention/remove-images';
import { rotateKeysAfterDeletions } from '../../server/services/maintenance/database';
import { receiptsForUser } from '../../server/db/receipts';
import { exportResults } from '../../server/db/account-export';
import { sealExistingText } from '../../server/db/text-shredding';

describe('uploaded files\' names on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(() => t.close());

  it('are sealed in the image and its receipt, found by any piece, and unreadable once the image is deleted and the key rotated', async () => {
    const userId = await insertUser(t.deps.db);
    const uploads = await Promise.all([
      prepareUpload(t.deps, fx.fixture('dog.jpg'), 'Quillback-Merganser_Holiday.jpg'),
      prepareUpload(t.deps, fx.fixture('cat.png'), 'Wombatesque 100%_done.png'),
    ]);
    const { imageIds } = await createBatch(t.deps, { userId, uploads, options: DEFAULT_DESCRIBE_OPTIONS });
    const [merganser, wombat] = imageIds as [string, string];
    // Retention takes the first one's working copy: its receipt names the image.
    const [first] = await findImages(t.deps.db, { imageId: merganser });
    expect(await deleteWorkingCopy(t.deps, first!, 'retention')).to.equal(true);
    expect((await receiptsForUser(t.deps.db, userId)).map((r) => r.original_name)).to.deep.equal(['Quillback-Merganser_Holiday.jpg']);

    let files = await postgresFileBytes(t.deps.db);
    for (const word of ['Quillback', 'Merganser', 'Wombatesque']) {
      expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
      expect(files.wal.includes(word), `${word} in the WAL`).to.equal(false);
    }

    // Found by any piece of the name, ignoring case, with % and _ matching only themselves; never by another account.
    const ids = async (q: string, owner = userId) => (await libraryPage(t.deps, owner, { q })).cards.map((c) => c.image.id).sort();
    expect(await ids('merganser_hol')).to.deep.equal([merganser]);
    expect(await ids('BACK-MER')).to.deep.equal([merganser]);
    expect(await ids('%_')).to.deep.equal([wombat]);
    expect(await ids('_')).to.deep.equal([merganser, wombat].sort());
    expect(await ids('y%b')).to.deep.equal([]);
    expect(await ids('mergansers')).to.deep.equal([]);
    expect(await ids('merganser', await insertUser(t.deps.db))).to.deep.equal([]);
    // The export reads the name as uploaded.
    expect((await exportResults(t.deps.db, userId)).map((r) => r.original_name).sort()).to.deep.equal(['Quillback-Merganser_Holiday.jpg', 'Wombatesque 100%_done.png']);

    const name = ((await t.deps.db('users').where({ id: userId }).first('text_key_name')) as { text_key_name: string }).text_key_name;
    const oldKey = await t.deps.blobs.get(name);
    await removeImages(t.deps, await findImages(t.deps.db, { imageId: merganser }), 'user');
    // The receipt stays, as proof of the deletion, without the name.
    expect((await receiptsForUser(t.deps.db, userId)).map((r) => [r.original_name, r.reason])).to.deep.equal([[null, 'retention']]);
    expect(await rotateKeysAfterDeletions(t.deps)).to.deep.include({ rotated: 1 });

    const left = await sealedLeftovers(t.deps.db, t.deps.blobs, userId, oldKey);
    expect(left.underOldKey, 'the old versions are in the files, under the destroyed key').to.include('Quillback-Merganser_Holiday.jpg');
    expect(left.openedByKeysLeft).not.to.include('Merganser');
    // The other image keeps its name, under the new key, and is still found by it.
    expect(left.openedByKeysLeft).to.include('Wombatesque 100%_done.png');
    expect(await ids('wombatESQUE 1')).to.deep.equal([wombat]);
    files = await postgresFileBytes(t.deps.db);
    expect(files.tables.includes('Wombatesque') || files.wal.includes('Wombatesque')).to.equal(false);
  });

  it('are sealed at boot, with their search tokens, where an earlier version stored them in plaintext', async () => {
    const userId = await insertUser(t.deps.db);
    // As an installation upgrading has it: a row written without the codec.
    const imageId = await insertImage(t.deps.db, userId, await insertBatch(t.deps.db, userId), { original_name: 'Gnu-Tapirine upgrade.jpg' });
    expect(await sealExistingText(t.deps.db)).to.be.at.least(1);
    expect(await t.deps.db('images').where({ id: imageId }).first('key_generation')).to.deep.equal({ key_generation: 1 });
    expect((await libraryPage(t.deps, userId, { q: 'tapirine up' })).cards.map((c) => c.image.id)).to.deep.equal([imageId]);
    await t.deps.db.raw('VACUUM FULL images');
    expect((await postgresFileBytes(t.deps.db)).tables.includes('Tapirine'), 'plaintext in the rewritten table file').to.equal(false);
  });
});
