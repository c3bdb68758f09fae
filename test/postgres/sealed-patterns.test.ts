import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { insertUser } from '../helpers/rows';
import { postgresFileBytes, sealedLeftovers } from '../helpers/postgres-files';
import { createPattern, deletePattern, getPattern, listPatterns, patternSpec, patternVersions, updatePattern } from '../../server/patterns';
import { rotateTextKey } from '../../server/db/text-key-rotation';
import { anonymiseAccount } from '../../server/services/data-rights/account-deletion';

const SCHEMA = JSON.stringify({
  type: 'object',
  properties: { heronspotting: { type: 'string', description: 'Quetzalfeather count' } },
  required: ['heronspotting'],
  additionalProperties: false,
});

describe('patterns on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(() => t.close());

  it('keep their names, instructions and schemas sealed, read as written through a key rotation, and unreadable once the account is deleted', async () => {
    const userId = await insertUser(t.deps.db);
    const created = await createPattern(t.deps, userId, { name: 'Zebu inventory', instructions: 'List the Axolotlish rigging', schema: SCHEMA });
    await updatePattern(t.deps, userId, created.id, { name: 'Zebu inventory', instructions: 'List the Axolotlish rigging and the Capybarine masts', schema: SCHEMA });
    const other = await createPattern(t.deps, userId, { name: 'Aardvark labels', instructions: 'Plain', schema: SCHEMA });

    const files = await postgresFileBytes(t.deps.db);
    for (const word of ['Zebu', 'Axolotlish', 'Capybarine', 'heronspotting', 'Quetzalfeather', 'Aardvark']) {
      expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
      expect(files.wal.includes(word), `${word} in the WAL`).to.equal(false);
    }
    // Read as written, sorted by name, through a rotation of the key (which re-seals versions by their two-column key).
    await rotateTextKey(t.deps.db, userId);
    expect((await listPatterns(t.deps, userId)).map((p) => p.name)).to.deep.equal(['Aardvark labels', 'Zebu inventory']);
    expect((await getPattern(t.deps, userId, created.id, 1)).instructions).to.equal('List the Axolotlish rigging');
    expect((await patternSpec(t.deps, userId, created.id)).instructions).to.equal('List the Axolotlish rigging and the Capybarine masts');
    expect((await patternVersions(t.deps, userId, created.id)).map((v) => [v.version, v.name])).to.deep.equal([[2, 'Zebu inventory'], [1, 'Zebu inventory']]);
    expect((await getPattern(t.deps, userId, other.id)).schema).to.deep.equal(JSON.parse(SCHEMA));

    const keyName = ((await t.deps.db('users').where({ id: userId }).first('text_key_name')) as { text_key_name: string }).text_key_name;
    const key = await t.deps.blobs.get(keyName);
    await deletePattern(t.deps, userId, created.id);
    await anonymiseAccount(t.deps, userId);
    const left = await sealedLeftovers(t.deps.db, t.deps.blobs, userId, key);
    expect(left.underOldKey, 'the versions are in the files, under the destroyed key').to.include('List the Axolotlish rigging and the Capybarine masts');
    for (const word of ['Axolotlish', 'Zebu', 'Quetzalfeather']) expect(left.openedByKeysLeft).not.to.include(word);
  });
});
