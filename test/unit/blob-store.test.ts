import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { BlobStore, BlobIntegrityError, BlobNotFoundError } from '../../server/storage';

describe('BlobStore', () => {
  let dir: string;
  let store: BlobStore;
  const key = crypto.randomBytes(32);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-blobs-'));
    store = new BlobStore(path.join(dir, 'blobs'), key);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives back the bytes it was given under a random key', async () => {
    const bytes = crypto.randomBytes(5000);
    const a = await store.put(bytes);
    const b = await store.put(bytes);
    expect(a).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(a).not.to.equal(b);
    expect((await store.get(a)).equals(bytes)).to.equal(true);
    expect(await store.list()).to.have.members([a, b]);
  });

  it('never writes the plaintext to disk', async () => {
    const marker = Buffer.from('PLAINTEXT-MARKER-'.repeat(200));
    const name = await store.put(marker);
    const onDisk = fs.readFileSync(path.join(store.dir, name));
    expect(onDisk.includes(Buffer.from('PLAINTEXT-MARKER'))).to.equal(false);
    expect(onDisk.length).to.be.greaterThan(marker.length);
    expect(fs.statSync(path.join(store.dir, name)).mode & 0o077).to.equal(0);
  });

  it('refuses a blob whose ciphertext was altered', async () => {
    const name = await store.put(Buffer.from('hello world, this is an image'));
    const file = path.join(store.dir, name);
    const sealed = fs.readFileSync(file);
    sealed[sealed.length - 1] ^= 0x01;
    fs.writeFileSync(file, sealed);
    await expectRejection(store.get(name), BlobIntegrityError);
  });

  it('refuses a blob moved to another key name', async () => {
    const a = await store.put(Buffer.from('first image'));
    const b = await store.put(Buffer.from('second image'));
    fs.copyFileSync(path.join(store.dir, a), path.join(store.dir, b));
    await expectRejection(store.get(b), BlobIntegrityError);
  });

  it('refuses a blob sealed with another encryption key', async () => {
    const name = await store.put(Buffer.from('secret'));
    const other = new BlobStore(store.dir, crypto.randomBytes(32));
    await expectRejection(other.get(name), BlobIntegrityError);
  });

  it('deletes blobs and reports a missing one as not found', async () => {
    const name = await store.put(Buffer.from('x'));
    expect(await store.delete(name)).to.equal(true);
    expect(await store.delete(name)).to.equal(false);
    await expectRejection(store.get(name), BlobNotFoundError);
    expect(await store.list()).to.deep.equal([]);
  });

  it('treats a key that is not one of its own names as not found', async () => {
    await expectRejection(store.get('../../etc/passwd'), BlobNotFoundError);
  });

  it('leaves no temp files after writes, and sweeps stale ones', async () => {
    await store.put(Buffer.from('x'));
    expect(fs.readdirSync(store.tempDir)).to.deep.equal([]);
    fs.writeFileSync(path.join(store.tempDir, 'left-by-a-crash.part'), 'half');
    expect(await store.sweepTempFiles(60_000)).to.equal(0);
    expect(await store.sweepTempFiles(0)).to.equal(1);
    expect(fs.readdirSync(store.tempDir)).to.deep.equal([]);
  });
});

async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    return;
  }
  expect.fail('expected a rejection');
}
