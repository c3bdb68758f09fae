import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { loadConfig } from '../../../server/config';
import { LocalBlobStore } from '../../../server/storage';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { fakeJpegBytes } from '../../helpers/privacy-seed';

const TWO_HOURS_AGO = () => new Date(Date.now() - 2 * 60 * 60 * 1000);

describe('a second process starting on a shared blob directory', () => {
  let dataDir: string;
  let database: TestDatabase;
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-boot-'));
    database = await createTestDatabase(dataDir);
  });
  afterEach(async () => {
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves the first process\'s in-flight writes alone and removes only old leftovers', async function () {
    this.timeout(30_000);
    const env = { DATA_DIR: dataDir, ...database.env };
    const blobs = new LocalBlobStore(path.join(dataDir, 'blobs'), loadConfig(env).encryptionKey);
    // The first process, mid-upload: a temp file being written, and a blob whose row has not committed yet.
    const writing = path.join(blobs.tempDir, 'being-written.part');
    fs.writeFileSync(writing, fakeJpegBytes());
    const committing = await blobs.put(fakeJpegBytes());
    // What a crash two hours ago left behind.
    const crashedTemp = path.join(blobs.tempDir, 'crashed.part');
    fs.writeFileSync(crashedTemp, fakeJpegBytes());
    fs.utimesSync(crashedTemp, TWO_HOURS_AGO(), TWO_HOURS_AGO());
    const aborted = await blobs.put(fakeJpegBytes());
    fs.utimesSync(path.join(blobs.dir, aborted), TWO_HOURS_AGO(), TWO_HOURS_AGO());

    const output = await bootAndStop(env);

    expect(fs.existsSync(writing), output).to.equal(true);
    expect(await blobs.exists(committing)).to.equal(true);
    expect(fs.existsSync(crashedTemp)).to.equal(false);
    expect(await blobs.exists(aborted)).to.equal(false);
  });
});

/** Starts the real server, waits until it listens (boot jobs have run by then), and stops it with SIGTERM. */
async function bootAndStop(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [path.resolve(__dirname, '../../../server/index.js')], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DESCRIBER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (/running at http/.test(out)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`server exited early:\n${out}`));
    });
  });
  child.kill('SIGTERM');
  await exited;
  return out;
}
