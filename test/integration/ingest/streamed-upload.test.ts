import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { blobFilesOnDisk, withoutTextKeys } from '../../helpers/privacy-seed';
import { waitFor } from '../../helpers/queue-fixtures';
import * as fx from '../../helpers/image-fixtures';
import { setQuota } from '../../../server/services/usage';

const BOUNDARY = '----sightline-stream-test';

/** Multipart pieces, written by hand so the test decides when each byte leaves. */
const field = (name: string, value: string) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const fileHead = (name: string) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="images"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`);
const fileTail = Buffer.from('\r\n');
const end = Buffer.from(`--${BOUNDARY}--\r\n`);

/** The session cookie a signed-in supertest agent sends. */
async function cookieOf(user: SignedUp): Promise<string> {
  const probe = user.agent.get('/account');
  await probe;
  return (probe as unknown as { cookies: string }).cookies;
}

interface SlowUpload {
  write(bytes: Buffer): void;
  /** Sends the last bytes and resolves with the answer's status and Location. */
  finish(bytes: Buffer): Promise<{ status: number; location: string | undefined; body: string }>;
  destroy(): void;
}

describe('an upload taken in as it arrives', function () {
  this.timeout(30_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let server: http.Server;
  let alice: SignedUp;
  let dog: Buffer;

  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, MAX_UPLOAD_MB: '1' });
    await t.deps.queue.start();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    dog = fx.fixture('dog.jpg');
  });
  after(async () => {
    server.close();
    await t.close();
    await fake.close();
  });
  beforeEach(async () => {
    alice = await signUp(t.app);
  });

  async function open(accept = 'text/html'): Promise<SlowUpload> {
    const { port } = server.address() as AddressInfo;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/images',
      headers: { cookie: await cookieOf(alice), 'x-csrf-token': alice.csrf, accept, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
    const answer = new Promise<{ status: number; location: string | undefined; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      });
      req.on('error', reject);
    });
    return {
      write: (bytes) => req.write(bytes),
      finish: (bytes) => {
        req.end(bytes);
        return answer;
      },
      destroy: () => {
        answer.catch(() => undefined);
        req.destroy();
      },
    };
  }

  // Ordered here: on PostgreSQL the names are sealed, so the database cannot order them.
  type Named = { created_at: number; original_name: string };
  const imagesOf = async (userId: number) =>
    (await t.deps.db('images').where({ user_id: userId })).sort((a: Named, b: Named) => a.created_at - b.created_at || (a.original_name < b.original_name ? -1 : a.original_name > b.original_name ? 1 : 0));

  it('describes the first image while the rest of the body is still arriving, and finishes the batch only after its end', async () => {
    const started: string[] = [];
    const completed: string[] = [];
    const batchesCompleted: string[] = [];
    const offs = [
      t.deps.events.on('image.started', (e) => e.userId === alice.user.id && started.push(e.imageId)),
      t.deps.events.on('image.completed', (e) => e.userId === alice.user.id && completed.push(e.imageId)),
      t.deps.events.on('batch.completed', (e) => e.userId === alice.user.id && batchesCompleted.push(e.batchId)),
    ];
    try {
      const upload = await open();
      upload.write(Buffer.concat([field('language', 'fr'), field('image_count', '2'), fileHead('first.jpg'), dog, fileTail, fileHead('second.jpg'), dog.subarray(0, 1000)]));

      // The second file is not complete, so the body cannot have ended: the first image is being described.
      await waitFor(() => completed.length === 1, 10_000, 'the first image described before the body ended');
      expect(started).to.have.length(1);
      // batch.completed would have been emitted with the first image's result had the batch counted as finished.
      expect(batchesCompleted).to.deep.equal([]);
      const [first] = await imagesOf(alice.user.id);
      expect(first).to.include({ original_name: 'first.jpg', status: 'done' });
      expect(fake.requests[fake.requests.length - 1]!.text).to.include('French');

      const answer = await upload.finish(Buffer.concat([dog.subarray(1000), fileTail, end]));
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal(`/batches/${first.batch_id}`);
      await waitFor(() => completed.length === 2 && batchesCompleted.length === 1, 10_000, 'the second image and the batch finished');
      const rows = await imagesOf(alice.user.id);
      expect(rows.map((r) => [r.original_name, r.status, r.batch_id])).to.deep.equal([
        ['first.jpg', 'done', first.batch_id],
        ['second.jpg', 'done', first.batch_id],
      ]);
      expect(batchesCompleted).to.deep.equal([first.batch_id]);
      const batch = await t.deps.db('batches').where({ id: first.batch_id }).first();
      expect(batch.receiving_until).to.equal(null);
      expect(JSON.parse(batch.options_json).language).to.equal('fr');
    } finally {
      offs.forEach((off) => off());
    }
  });

  it('keeps and describes the images already stored when the client goes away, and leaves nothing of the half-sent file', async () => {
    const batchesCompleted: string[] = [];
    const off = t.deps.events.on('batch.completed', (e) => e.userId === alice.user.id && batchesCompleted.push(e.batchId));
    try {
      const blobsBefore = (await withoutTextKeys(t, blobFilesOnDisk(t))).length;
      const upload = await open();
      upload.write(Buffer.concat([field('name', 'Cut short'), fileHead('kept.jpg'), dog, fileTail, fileHead('lost.jpg'), dog.subarray(0, 4000)]));
      await waitFor(async () => (await imagesOf(alice.user.id)).length === 1, 10_000, 'the first image stored');
      upload.destroy();

      const [kept] = await waitFor(async () => {
        const rows = await imagesOf(alice.user.id);
        return rows.length === 1 && rows[0].status === 'done' ? rows : undefined;
      }, 10_000, 'the stored image described');
      expect(kept.original_name).to.equal('kept.jpg');
      await waitFor(() => batchesCompleted.length === 1, 10_000, 'the batch finished');
      expect(batchesCompleted).to.deep.equal([kept.batch_id]);
      expect((await imagesOf(alice.user.id)).map((r) => [r.original_name, r.status])).to.deep.equal([['kept.jpg', 'done']]);
      expect((await t.deps.db('batches').where({ id: kept.batch_id }).first()).receiving_until).to.equal(null);
      // Only the kept image's working copy remains, and no temp file.
      await waitFor(async () => (await withoutTextKeys(t, blobFilesOnDisk(t))).length === blobsBefore + 1, 5_000, 'only the kept working copy on disk');
      const health = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
      expect(health.status).to.equal(200);
    } finally {
      off();
    }
  });

  it('takes back the images already stored when a later file is refused, so nothing was uploaded', async () => {
    const blobsBefore = await withoutTextKeys(t, blobFilesOnDisk(t));
    const upload = await open('application/json');
    // The next part's header tells the parser the first file has ended.
    upload.write(Buffer.concat([field('image_count', '2'), fileHead('small.jpg'), dog, fileTail, fileHead('huge.jpg')]));
    await waitFor(async () => (await imagesOf(alice.user.id)).length === 1, 10_000, 'the first image stored');
    const answer = await upload.finish(Buffer.concat([Buffer.alloc(1024 * 1024 + 10, 1), fileTail, end]));
    expect(answer.status).to.equal(413);
    expect(JSON.parse(answer.body).error.message).to.equal('"huge.jpg" is larger than the 1 MB limit per image. Nothing was uploaded.');
    expect(await imagesOf(alice.user.id)).to.deep.equal([]);
    expect(await t.deps.db('batches').where({ user_id: alice.user.id })).to.deep.equal([]);
    await waitFor(async () => (await withoutTextKeys(t, blobFilesOnDisk(t))).length === blobsBefore.length, 5_000, 'no working copy left');
  });

  it('refuses a corrupt file alone, with its reason, while the others are described', async () => {
    const upload = await open('application/json');
    const corrupt = fx.corruptJpeg();
    const answer = await upload.finish(
      Buffer.concat([field('image_count', '3'), fileHead('good-1.jpg'), dog, fileTail, fileHead('broken.jpg'), corrupt, fileTail, fileHead('good-2.jpg'), dog, fileTail, end]),
    );
    expect(answer.status).to.equal(200);
    const rows = await waitFor(async () => {
      const found = await imagesOf(alice.user.id);
      return found.length === 3 && found.every((r) => r.status !== 'queued' && r.status !== 'processing') ? found : undefined;
    }, 10_000, 'every image finished');
    const byName = Object.fromEntries(rows.map((r) => [r.original_name, r]));
    expect(byName['good-1.jpg'].status).to.equal('done');
    expect(byName['good-2.jpg'].status).to.equal('done');
    expect(byName['broken.jpg'].status).to.equal('refused');
    expect(byName['broken.jpg'].error).to.be.a('string').and.not.equal('');
    expect(new Set(rows.map((r) => r.batch_id)).size).to.equal(1);
    expect(JSON.parse(answer.body).location).to.equal(`/batches/${rows[0].batch_id}`);
  });

  it('refuses an upload that says it holds more images than the quota has left before storing any', async () => {
    await setQuota(t.deps, alice.user.id, 1);
    const modelCalls = fake.requests.length;
    const upload = await open('application/json');
    upload.write(Buffer.concat([field('image_count', '2'), fileHead('one.jpg'), dog, fileTail]));
    const answer = await upload.finish(Buffer.concat([fileHead('two.jpg'), dog, fileTail, end]));
    expect(answer.status).to.equal(429);
    expect(JSON.parse(answer.body).error.message).to.match(/^This upload has 2 images, but this account has only 1 of its 1 descriptions/);
    expect(await imagesOf(alice.user.id)).to.deep.equal([]);
    expect(fake.requests.length).to.equal(modelCalls);
  });
});
