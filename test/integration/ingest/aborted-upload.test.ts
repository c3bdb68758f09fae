import fs from 'node:fs';
import { workingCopyBlobs } from '../../helpers/privacy-seed';
import { textKeyBlobNames } from '../../../server/db/text-shredding';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import * as fx from '../../helpers/image-fixtures';

async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/** The session cookie a signed-in supertest agent sends. */
async function cookieOf(user: SignedUp): Promise<string> {
  const probe = user.agent.get('/account');
  await probe;
  return (probe as unknown as { cookies: string }).cookies;
}

describe('an aborted upload', () => {
  let t: TestApp;
  let server: http.Server;
  before(async () => {
    t = await buildTestApp();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  after(async () => {
    server.close();
    await t.close();
  });

  /** Blobs and temp files, without the accounts' text keys (PostgreSQL keeps them in the blob store). */
  async function onDisk(): Promise<string[]> {
    const dir = path.join(t.dataDir, 'blobs');
    if (!fs.existsSync(dir)) return [];
    const tmp = path.join(dir, 'tmp');
    const keys = new Set(await textKeyBlobNames(t.deps.db));
    return [...fs.readdirSync(dir).filter((name) => name !== 'tmp' && !keys.has(name)), ...(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [])];
  }

  it('leaves no blob, temp file or row behind, even for files already prepared', async () => {
    const alice = await signUp(t.app);
    const boundary = '----sightline-abort-test';
    const { port } = server.address() as AddressInfo;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/images',
      headers: { cookie: await cookieOf(alice), 'x-csrf-token': alice.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('error', () => undefined);
    const part = (name: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const dog = fx.fixture('dog.jpg');
    req.write(Buffer.concat([part('first.jpg'), dog, Buffer.from('\r\n'), part('second.jpg'), dog.subarray(0, 4000)]));

    // The first file is complete: its working copy gets stored while the second is still arriving.
    expect(await until(async () => (await workingCopyBlobs(t)).length === 1)).to.equal(true);
    req.destroy();

    expect(await until(async () => (await onDisk()).length === 0)).to.equal(true, `left behind: ${(await onDisk()).join(', ')}`);
    expect(await t.deps.db('images').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect(await t.deps.db('batches').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).to.equal(200);
  });
});
