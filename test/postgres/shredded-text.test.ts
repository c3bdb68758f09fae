import fs from 'node:fs';
import { expect } from 'chai';
import { buildTestApp, localBlobs, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { addImages, seedBatch } from '../helpers/queue-fixtures';
import { description } from '../helpers/outbox';
import { pinInPlace } from '../helpers/privacy-seed';
import { keysInStore, openFound, postgresFileBytes, sealedValuesIn } from '../helpers/postgres-files';
import { claimNext } from '../../server/queue/store';
import { completeJob } from '../../server/queue/results';
import { saveEdit, versionsFor } from '../../server/db/description-versions';
import { descriptionsFor } from '../../server/db/descriptions';
import { exportResults } from '../../server/db/account-export';
import { listImages } from '../../server/db/images';
import { sealExistingText } from '../../server/db/text-shredding';
import { insertDescriptionFor } from '../helpers/privacy-text';
import { anonymiseAccount, finishAccountDeletions } from '../../server/services/data-rights/account-deletion';
import { sweepBlobFiles } from '../../server/services/retention/sweep-files';
import { removeImages } from '../../server/services/retention/remove-images';
import { findImages } from '../../server/db/retention';
import { rotateKeysAfterDeletions } from '../../server/services/maintenance/database';
import { insertBatch, findBatch } from '../../server/db/batches';
import { insertImage, findImage } from '../../server/db/images';
import { enqueueDescribe } from '../../server/queue/enqueue';
import { claimIdempotencyKey, findIdempotencyRow, storeIdempotentAnswer } from '../../server/db/idempotency';
import { createEndpoint } from '../../server/webhooks/endpoints';
import { purgeApiRecords } from '../../server/services/api-housekeeping';
import { insertUser } from '../helpers/rows';

const EDIT = { caption: 'c', title: 't', description: 'd', tags_json: '["bike"]', filename: 'red-bicycle.jpg', text: '', decorative: false };

/** A user whose image has a generated result and an edited one (two versions), all through the real paths. */
async function seedAccount(t: TestApp, generated: string, edited: string): Promise<{ userId: number; imageId: string }> {
  const { userId, batchId } = await seedBatch(t);
  const [imageId] = await addImages(t, userId, batchId, 1);
  const now = t.clock.now().getTime();
  const job = await claimNext(t.deps.db, `worker-${userId}`, now, 60_000);
  expect((await completeJob(t.deps, job!, description(generated), now)).stored).to.equal(true);
  expect(await saveEdit(t.deps.db, userId, imageId!, { ...EDIT, alt_text: edited }, now + 1)).to.equal('saved');
  return { userId, imageId: imageId! };
}

function opensWith(key: Buffer, found: string): boolean {
  return openFound(key, found) !== undefined;
}

async function keyName(t: TestApp, userId: number): Promise<string | null> {
  return ((await t.deps.db('users').where({ id: userId }).first('text_key_name')) as { text_key_name: string | null }).text_key_name;
}

describe('deleted text on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('is never in the table files or the WAL as plaintext, while every reader still gets plaintext', async () => {
    const { userId, imageId } = await seedAccount(t, 'Zanzibarian heron preening', 'Quixotic marmalade lighthouse');
    const files = await postgresFileBytes(t.deps.db);
    for (const word of ['Zanzibarian', 'Quixotic', 'marmalade']) {
      expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
      expect(files.wal.includes(word), `${word} in the WAL`).to.equal(false);
    }
    // The scan does see the rows: their sealed values are there, and the account's key opens them.
    const key = await t.deps.blobs.get((await keyName(t, userId))!);
    expect(sealedValuesIn(files.tables).some((v) => opensWith(key, v))).to.equal(true);
    expect(sealedValuesIn(files.wal).some((v) => opensWith(key, v))).to.equal(true);

    expect((await descriptionsFor(t.deps.db, userId, [imageId])).get(imageId)?.alt_text).to.equal('Quixotic marmalade lighthouse');
    const versions = (await versionsFor(t.deps.db, userId, [imageId])).get(imageId)!;
    expect(versions.map((v) => v.alt_text)).to.deep.equal(['Quixotic marmalade lighthouse', 'Zanzibarian heron preening']);
    expect((await exportResults(t.deps.db, userId)).map((r) => r.alt_text)).to.deep.equal(['Quixotic marmalade lighthouse']);
  });

  it('is found by word prefix, and never by another account with the same words', async () => {
    const alice = await seedAccount(t, 'generated words', 'Periwinkle saxophone recital');
    const bob = await seedAccount(t, 'generated words', 'Periwinkle saxophone recital');
    const page = { limit: 10, offset: 0 };
    for (const words of [['periwin'], ['SAXO', 'rec'], ['recital']]) {
      const found = await listImages(t.deps.db, alice.userId, { search: { words, phrase: words.join(' ') } }, page);
      expect(found.map((i) => i.id), words.join(' ')).to.deep.equal([alice.imageId]);
    }
    expect(await listImages(t.deps.db, alice.userId, { search: { words: ['saxophones'], phrase: 'saxophones' } }, page)).to.deep.equal([]);
    // Alice's tokens for the same words are not Bob's: each account's search key is its own.
    const vectors = await t.deps.db('descriptions').whereIn('user_id', [alice.userId, bob.userId]).orderBy('user_id').pluck('search');
    const [aliceTokens, bobTokens] = vectors.map((v: string) => new Set(v.match(/t[0-9a-f]{24}/g)));
    expect([...aliceTokens!].filter((tok) => bobTokens!.has(tok))).to.deep.equal([]);
  });

  it('keeps living accounts\' keys through the orphan sweep, which sees no image row naming them', async () => {
    const { userId, imageId } = await seedAccount(t, 'Lanternfish generated', 'Lanternfish edited');
    await sweepBlobFiles(t.deps, 0);
    expect(await t.deps.blobs.exists((await keyName(t, userId))!)).to.equal(true);
    expect((await descriptionsFor(t.deps.db, userId, [imageId])).get(imageId)?.alt_text).to.equal('Lanternfish edited');
  });

  it('cannot be read once the account is deleted: the key blob is gone and no key left opens what the files hold', async () => {
    const { userId } = await seedAccount(t, 'Xylophonic pelican generated', 'Jubilant tangerine edited');
    const name = (await keyName(t, userId))!;
    const key = await t.deps.blobs.get(name);
    await anonymiseAccount(t.deps, userId);

    expect(await t.deps.blobs.exists(name), 'key blob').to.equal(false);
    expect(await keyName(t, userId)).to.equal(null);
    const files = await postgresFileBytes(t.deps.db);
    const sealed = [...sealedValuesIn(files.tables), ...sealedValuesIn(files.wal)].filter((v) => v.startsWith(`tk1:${userId}:`));
    // The deleted rows' old versions are still in the files, sealed under the destroyed key...
    expect(sealed.some((v) => opensWith(key, v))).to.equal(true);
    // ...which no key in the blob store opens.
    const left = await keysInStore(t.deps.blobs);
    expect(sealed.filter((v) => left.some((k) => opensWith(k, v)))).to.deep.equal([]);
  });

  it('destroys a key the blob store would not delete at the time on the next account-deletion run', async () => {
    const { userId } = await seedAccount(t, 'Obstinate walrus', 'Obstinate walrus edited');
    const name = (await keyName(t, userId))!;
    pinInPlace(`${localBlobs(t).dir}/${name}`);
    await anonymiseAccount(t.deps, userId);
    expect(await keyName(t, userId), 'left for the next run').to.equal(name);

    // The store works again: the pin goes, the blob is back.
    fs.rmSync(`${localBlobs(t).dir}/${name}`, { recursive: true });
    fs.writeFileSync(`${localBlobs(t).dir}/${name}`, 'x');
    expect(await finishAccountDeletions(t.deps)).to.deep.equal({ anonymised: 0, keysDestroyed: 1 });
    expect(await keyName(t, userId)).to.equal(null);
    expect(await t.deps.blobs.exists(name)).to.equal(false);
  });

  it('cannot be read once an image is deleted and the key rotated, while the account\'s other text stays readable and searchable', async () => {
    const kept = await seedAccount(t, 'Benevolent narwhal generated', 'Benevolent narwhal edited');
    const { imageId: deletedId } = await (async () => {
      const { batchId } = await seedBatch(t, {}, kept.userId);
      const [imageId] = await addImages(t, kept.userId, batchId, 1);
      const now = t.clock.now().getTime();
      const job = await claimNext(t.deps.db, 'worker-rotation', now, 60_000);
      await completeJob(t.deps, job!, description('Gargantuan okapi generated'), now);
      await saveEdit(t.deps.db, kept.userId, imageId!, { ...EDIT, alt_text: 'Gargantuan okapi edited' }, now + 1);
      return { imageId: imageId! };
    })();
    const oldName = (await keyName(t, kept.userId))!;
    const oldKey = await t.deps.blobs.get(oldName);
    await removeImages(t.deps, await findImages(t.deps.db, { imageId: deletedId }), 'user');

    expect(await rotateKeysAfterDeletions(t.deps)).to.deep.include({ rotated: 1 });
    expect(await t.deps.blobs.exists(oldName), 'old key blob').to.equal(false);
    expect(await keyName(t, kept.userId)).to.not.equal(oldName);
    const files = await postgresFileBytes(t.deps.db);
    const sealed = [...sealedValuesIn(files.tables), ...sealedValuesIn(files.wal)].filter((v) => v.startsWith(`tk1:${kept.userId}:`));
    const underOldKey = sealed.filter((v) => opensWith(oldKey, v));
    expect(underOldKey.map((v) => openFound(oldKey, v)).join(' ')).to.match(/Gargantuan okapi edited/);
    const left = await keysInStore(t.deps.blobs);
    expect(underOldKey.filter((v) => left.some((k) => opensWith(k, v)))).to.deep.equal([]);

    expect((await descriptionsFor(t.deps.db, kept.userId, [kept.imageId])).get(kept.imageId)?.alt_text).to.equal('Benevolent narwhal edited');
    expect((await versionsFor(t.deps.db, kept.userId, [kept.imageId])).get(kept.imageId)!.map((v) => v.alt_text)).to.deep.equal(['Benevolent narwhal edited', 'Benevolent narwhal generated']);
    const found = await listImages(t.deps.db, kept.userId, { search: { words: ['narwh'], phrase: 'narwh' } }, { limit: 10, offset: 0 });
    expect(found.map((i) => i.id)).to.deep.equal([kept.imageId]);
    expect(await rotateKeysAfterDeletions(t.deps), 'nothing left to rotate').to.deep.equal({ rotated: 0, resealed: 0 });
  });

  it('seals, at boot, text an earlier version stored in plaintext, and loses none of it', async () => {
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    // As an installation upgrading from plaintext has it: a row written without the codec.
    await insertDescriptionFor(t, imageId!, userId, 'Vermilion aardvark from before');
    expect(await t.deps.db('descriptions').where({ image_id: imageId }).first('key_generation')).to.deep.equal({ key_generation: null });

    // Rows other tests' helpers wrote without the codec are sealed too: at least this one.
    expect(await sealExistingText(t.deps.db)).to.be.at.least(1);
    expect(await t.deps.db('descriptions').whereNull('key_generation').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect((await descriptionsFor(t.deps.db, userId, [imageId!])).get(imageId!)?.alt_text).to.equal('Vermilion aardvark from before');
    const found = await listImages(t.deps.db, userId, { search: { words: ['aardv'], phrase: 'aardv' } }, { limit: 10, offset: 0 });
    expect(found.map((i) => i.id)).to.deep.equal([imageId]);
    await t.deps.db.raw('VACUUM FULL descriptions');
    const files = await postgresFileBytes(t.deps.db);
    expect(files.tables.includes('Vermilion'), 'plaintext in the rewritten table file').to.equal(false);
  });

  it('keeps no plaintext copy of results or of what a person wrote: webhook payloads, stored API answers, batch context, file captions', async () => {
    const userId = await insertUser(t.deps.db);
    const publicAddress = async () => [{ address: '93.184.216.34', family: 4 }];
    await createEndpoint(t.deps, userId, { url: 'https://hooks.example.test/in', events: ['image.completed'] }, publicAddress);
    const now = t.clock.now().getTime();
    const batchId = 'copiesbatch0000000000001';
    await insertBatch(t.deps.db, { id: batchId, user_id: userId, name: '', options_json: JSON.stringify({ context: 'Pangolinesque gala' }), status: 'open', created_at: now, updated_at: now });
    const imageId = 'copiesimage0000000000001';
    await t.deps.db.transaction(async (trx) => {
      await insertImage(trx, {
        id: imageId, user_id: userId, batch_id: batchId, original_name: 'a.jpg', status: 'queued', error: null, source_type: 'upload', byte_size: 10,
        width: 8, height: 8, blurhash: null, dominant_color: null, embedded_json: JSON.stringify({ caption: 'Quetzalcoatlish parade' }), sha256: null,
        blob_key: await t.deps.blobs.put(Buffer.from('jpeg')), expires_at: null, processed_at: null, reviewed_at: null, created_at: now, updated_at: now,
      });
      await enqueueDescribe(trx, { imageId, userId, now });
    });
    // The result goes out in a webhook payload, and an API client keeps an answer quoting it.
    // Earlier tests here leave queued jobs: claim until this image's comes up.
    let job = await claimNext(t.deps.db, 'worker-copies', now, 60_000);
    while (job && job.imageId !== imageId) job = await claimNext(t.deps.db, 'worker-copies', now, 60_000);
    expect((await completeJob(t.deps, job!, description('Zanthoxylum lantern generated'), now)).stored).to.equal(true);
    const claim = { user_id: userId, key: 'copies-key', request_hash: 'h', state: 'running' as const, status_code: null, response_json: null, created_at: now, expires_at: now + 60_000, owner: 'req-1' };
    expect(await claimIdempotencyKey(t.deps.db, claim, now)).to.equal(true);
    await storeIdempotentAnswer(t.deps.db, userId, 'copies-key', 'req-1', 200, { alt_text: 'Brachiosaurine answer' });

    const files = await postgresFileBytes(t.deps.db);
    for (const word of ['Pangolinesque', 'Quetzalcoatlish', 'Zanthoxylum', 'Brachiosaurine']) {
      expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
      expect(files.wal.includes(word), `${word} in the WAL`).to.equal(false);
    }
    // Every reader still gets plaintext.
    expect(JSON.parse((await findBatch(t.deps.db, userId, batchId))!.options_json)).to.deep.equal({ context: 'Pangolinesque gala' });
    expect(JSON.parse((await findImage(t.deps.db, userId, imageId))!.embedded_json!)).to.deep.equal({ caption: 'Quetzalcoatlish parade' });
    const [delivery] = await t.deps.db('webhook_deliveries').where({ user_id: userId });
    expect(JSON.parse(delivery.payload_json).data.result.alt_text).to.equal('Zanthoxylum lantern generated');
    expect(JSON.parse((await findIdempotencyRow(t.deps.db, userId, 'copies-key'))!.response_json!)).to.deep.equal({ alt_text: 'Brachiosaurine answer' });

    // The answer expires, then the delivery ages out of the log: each time the key rotates, so their
    // old row versions no longer open with any key left.
    const gone = async (pattern: RegExp, oldKey: Buffer) => {
      const files = await postgresFileBytes(t.deps.db);
      const sealed = [...sealedValuesIn(files.tables), ...sealedValuesIn(files.wal)].filter((v) => v.startsWith(`tk1:${userId}:`));
      expect(sealed.map((v) => openFound(oldKey, v) ?? '').join(' ')).to.match(pattern);
      const left = await keysInStore(t.deps.blobs);
      expect(sealed.filter((v) => pattern.test(left.map((k) => openFound(k, v) ?? '').join(' ')))).to.deep.equal([]);
    };
    const firstKey = await t.deps.blobs.get((await keyName(t, userId))!);
    t.clock.advance(86_400_000);
    expect(await purgeApiRecords(t.deps)).to.deep.equal({ idempotencyKeys: 1, deliveries: 0 });
    expect(await rotateKeysAfterDeletions(t.deps)).to.deep.include({ rotated: 1 });
    await gone(/Brachiosaurine answer/, firstKey);

    const secondKey = await t.deps.blobs.get((await keyName(t, userId))!);
    await t.deps.db('webhook_deliveries').where({ user_id: userId }).update({ status: 'delivered', updated_at: t.clock.now().getTime() });
    t.clock.advance(31 * 86_400_000);
    expect(await purgeApiRecords(t.deps)).to.deep.equal({ idempotencyKeys: 0, deliveries: 1 });
    expect(await rotateKeysAfterDeletions(t.deps)).to.deep.include({ rotated: 1 });
    // The payload is gone for good; the description it quoted stays, under the new key.
    await gone(/"type":"image\.completed"/, secondKey);
    // What remains was re-sealed under the new key and reads as before.
    expect(JSON.parse((await findBatch(t.deps.db, userId, batchId))!.options_json)).to.deep.equal({ context: 'Pangolinesque gala' });
    expect(JSON.parse((await findImage(t.deps.db, userId, imageId))!.embedded_json!)).to.deep.equal({ caption: 'Quetzalcoatlish parade' });
  });
});
