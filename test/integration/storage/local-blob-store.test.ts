import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { LocalBlobStore } from '../../../server/storage';

describe('local blob store, shared by several processes on one machine', () => {
  let dir: string;
  let store: LocalBlobStore;
  const key = crypto.randomBytes(32);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-blobs-'));
    store = new LocalBlobStore(path.join(dir, 'blobs'), key);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes files only its owner can read', async () => {
    const name = await store.put(Buffer.from('image'));
    expect(fs.statSync(path.join(store.dir, name)).mode & 0o077).to.equal(0);
    expect(fs.statSync(store.dir).mode & 0o077).to.equal(0);
  });

  it('leaves no temp files after writes', async () => {
    await Promise.all([store.put(Buffer.from('a')), store.put(Buffer.from('b'))]);
    expect(fs.readdirSync(store.tempDir)).to.deep.equal([]);
  });

  it('sweeps only temp files older than the given age: a young one may be another process writing', async () => {
    const inFlight = path.join(store.tempDir, 'another-process-writing.part');
    const leftover = path.join(store.tempDir, 'left-by-a-crash.part');
    fs.writeFileSync(inFlight, 'half');
    fs.writeFileSync(leftover, 'half');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(leftover, twoHoursAgo, twoHoursAgo);
    expect(await store.sweepTempFiles(15 * 60 * 1000)).to.equal(1);
    expect(fs.readdirSync(store.tempDir)).to.deep.equal(['another-process-writing.part']);
  });

  it('reads what another process sharing the directory wrote, and lets it delete', async () => {
    const other = new LocalBlobStore(store.dir, key);
    const name = await other.put(Buffer.from('from the other process'));
    expect((await store.get(name)).toString()).to.equal('from the other process');
    expect(await store.delete(name)).to.equal(true);
    expect(await other.exists(name)).to.equal(false);
  });

  it('says it is unavailable when its directory is gone (storage unmounted)', async () => {
    fs.renameSync(store.dir, `${store.dir}-unmounted`);
    expect(await store.available()).to.equal(false);
    fs.writeFileSync(store.dir, 'not a directory');
    expect(await store.available()).to.equal(false);
  });
});
