import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { blobFilesOnDisk } from '../../helpers/privacy-seed';
import { waitFor } from '../../helpers/queue-fixtures';
import * as fx from '../../helpers/image-fixtures';
import { setQuota } from '../../../server/services/usage';
import { zeroRetentionQueue } from '../../../server/services/zero-retention';
import { insertUsageEvents } from '../../../server/db/usage';

/** What EJS's `<%= %>` makes of a message. */
function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** The messages in the flash box of a page, as HTML. */
function errorFlashes(html: string): string[] {
  return [...html.matchAll(/<p class="flash flash-error">([^<]*)<\/p>/g)].map((m) => m[1]);
}

const STORING = '/images';
const IN_MEMORY = '/images/zero-retention';
const QUOTA_LEFT = 'This upload has 2 images, but this account has only 1 of its 1 descriptions for the month left. Send fewer images; the count resets on the 1st (UTC), and an admin can raise the quota.';
const QUOTA_USED = 'This account has used its 0 descriptions for the month. The count resets on the 1st (UTC); an admin can raise the quota.';
const TOO_BIG = '"huge.jpg" is larger than the 1 MB limit per image. Nothing was uploaded.';
const BUSY = 'The server is busy describing other images that are not stored. Try again in a moment. Nothing was kept.';

interface Refusal {
  what: string;
  path: string;
  files: number;
  status: number;
  message: string;
  quota?: number;
  big?: boolean;
  fields?: Record<string, string>;
  /** Fills the in-memory queue for the test, and empties it again after. */
  busy?: boolean;
}

const REFUSALS: Refusal[] = [
  { what: 'more images than the monthly quota has left', path: STORING, files: 2, quota: 1, status: 429, message: QUOTA_LEFT },
  { what: 'an image over a used-up quota, without storing', path: IN_MEMORY, files: 1, quota: 0, status: 429, message: QUOTA_USED },
  { what: 'a file over MAX_UPLOAD_MB', path: STORING, files: 1, big: true, status: 413, message: TOO_BIG },
  { what: 'a file over MAX_UPLOAD_MB, without storing', path: IN_MEMORY, files: 1, big: true, status: 413, message: TOO_BIG },
  { what: '101 files', path: STORING, files: 101, status: 413, message: 'At most 100 images per upload. Nothing was uploaded; send them in smaller groups.' },
  { what: '21 files, without storing', path: IN_MEMORY, files: 21, status: 413, message: 'At most 20 images per upload. Nothing was uploaded; send them in smaller groups.' },
  { what: 'an image while the in-memory queue is full', path: IN_MEMORY, files: 1, busy: true, status: 503, message: BUSY },
  { what: 'no file', path: STORING, files: 0, status: 400, message: 'Choose at least one image to upload.' },
  { what: 'no file, without storing', path: IN_MEMORY, files: 0, status: 400, message: 'Choose at least one image to upload.' },
  { what: 'an option out of range, without storing', path: IN_MEMORY, files: 1, fields: { alt_text_length: '5' }, status: 400, message: 'Alt text length: Too small: expected number to be >=40' },
];

describe('refusals of the upload form reach the person who sent it', function () {
  this.timeout(30_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let tiny: Buffer;
  let alice: SignedUp;
  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, MAX_UPLOAD_MB: '1' });
    tiny = await fx.solidImage('png', 8, 8);
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  async function send(r: Refusal, json: boolean) {
    if (r.quota !== undefined) await setQuota(t.deps, alice.user.id, r.quota);
    let req = alice.agent.post(`${r.path}?_csrf=${encodeURIComponent(alice.csrf)}`);
    if (json) req = req.set('Accept', 'application/json');
    for (const [name, value] of Object.entries(r.fields ?? {})) req = req.field(name, value);
    if (r.files === 0) req = req.field('language', 'en');
    for (let i = 0; i < r.files; i += 1) req = req.attach('images', r.big ? Buffer.alloc(1024 * 1024 + 10, 1) : tiny, r.big ? 'huge.jpg' : `tiny-${i}.png`);
    if (r.busy) zeroRetentionQueue(t.deps).reserve(20);
    try {
      return await req;
    } finally {
      if (r.busy) zeroRetentionQueue(t.deps).release(20);
    }
  }

  async function nothingKept(blobsBefore: string[]): Promise<void> {
    expect(await t.deps.db('images').where({ user_id: alice.user.id })).to.deep.equal([]);
    expect(blobFilesOnDisk(t)).to.deep.equal(blobsBefore);
  }

  for (const r of REFUSALS) {
    describe(`${r.what} (${r.path})`, () => {
      before(async () => {
        alice = await signUp(t.app);
      });

      it('without JavaScript: back on the upload form, with the message', async () => {
        const blobs = blobFilesOnDisk(t);
        const res = await send(r, false);
        expect(res.status).to.equal(303);
        expect(res.headers.location).to.equal('/images/new');
        const form = await alice.agent.get('/images/new').expect(200);
        expect(errorFlashes(form.text)).to.deep.equal([escaped(r.message)]);
        expect(form.text).to.include('data-upload-form');
        await nothingKept(blobs);
      });

      it(`with the upload script: ${r.status} and the message in JSON, and nothing left for a later page`, async () => {
        const blobs = blobFilesOnDisk(t);
        const res = await send(r, true);
        expect(res.status).to.equal(r.status);
        expect(res.body.error.message).to.equal(r.message);
        if (r.busy) expect(res.headers['retry-after']).to.equal('30');
        expect(errorFlashes((await alice.agent.get('/images/new').expect(200)).text)).to.deep.equal([]);
        await nothingKept(blobs);
      });
    });
  }

  for (const path of [STORING, IN_MEMORY]) {
    it(`answers the upload script with the batch to go to, whose page then says what happened (${path})`, async () => {
      alice = await signUp(t.app);
      const res = await alice.agent
        .post(`${path}?_csrf=${encodeURIComponent(alice.csrf)}`)
        .set('Accept', 'application/json')
        .attach('images', fx.fixture('dog.jpg'), 'dog.jpg')
        .expect(200);
      const batchId = /^\/batches\/([A-Za-z0-9_-]{22})$/.exec(res.body.location)?.[1];
      expect(batchId, res.text).to.be.a('string');
      const page = await alice.agent.get(res.body.location).expect(200);
      expect(page.text).to.include('dog.jpg');
      if (path === STORING) expect(page.text).to.include('1 image queued for describing.');
      await waitFor(async () => path === STORING || (await t.deps.db('images').where({ batch_id: batchId })).every((row) => row.status === 'done'), 10_000, 'described from memory');
    });
  }
});

describe('the upload form, before anyone uploads', () => {
  let t: TestApp;
  let alice: SignedUp;
  before(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
  });
  after(async () => t.close());

  it('shows how many images the quota has left this month, and when it resets', async () => {
    await setQuota(t.deps, alice.user.id, 10);
    await insertUsageEvents(t.deps.db, [1, 2, 3].map((n) => ({ user_id: alice.user.id, image_id: `seeded-${n}`, kind: 'description.created' as const, source: 'web' as const, created_at: t.clock.now().getTime() })));
    const page = await alice.agent.get('/images/new').expect(200);
    const notice = /<p class="notice" data-quota>(.*?)<\/p>/s.exec(page.text)?.[1];
    expect(notice).to.equal(`This month you can describe <strong>7 more images</strong> (quota 10, 3 used or waiting). The count resets on ${resetText(t)}.`);
  });

  it('says plainly when the quota is used up', async () => {
    await setQuota(t.deps, alice.user.id, 3);
    const page = await alice.agent.get('/images/new').expect(200);
    expect(page.text).to.include(`This account has used its quota of 3 descriptions for this month. New images are refused until the count resets on ${resetText(t)}, or an administrator raises the quota.`);
  });

  it('says nothing about a quota when there is none', async () => {
    await setQuota(t.deps, alice.user.id, null, true);
    const page = await alice.agent.get('/images/new').expect(200);
    expect(page.text).to.not.include('data-quota');
  });
});

/** The first of next month (UTC), as the page writes times. */
function resetText(t: TestApp): string {
  const now = t.clock.now();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return `${next.toISOString().slice(0, 10)} 00:00 UTC`;
}

describe('a refusal for want of consent reaches the person who sent it', () => {
  let t: TestApp;
  let alice: SignedUp;
  const message = 'Confirm first that your images may be sent to vision.example.com. Nothing was uploaded.';
  before(async () => {
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'https://vision.example.com/v1' });
    alice = await signUp(t.app);
  });
  after(async () => t.close());

  for (const path of [STORING, IN_MEMORY]) {
    it(`without JavaScript: back on the form, with the message (${path})`, async () => {
      const res = await alice.agent.post(`${path}?_csrf=${encodeURIComponent(alice.csrf)}`).attach('images', fx.fixture('dog.jpg'), 'dog.jpg').expect(303);
      expect(res.headers.location).to.equal('/images/new');
      const page = await alice.agent.get('/images/new').expect(200);
      expect(errorFlashes(page.text)).to.deep.equal([escaped(message)]);
      expect(page.text).to.include('I understand: send my images to vision.example.com');
    });

    it(`with the upload script: 403 and the message in JSON (${path})`, async () => {
      const res = await alice.agent.post(`${path}?_csrf=${encodeURIComponent(alice.csrf)}`).set('Accept', 'application/json').attach('images', fx.fixture('dog.jpg'), 'dog.jpg').expect(403);
      expect(res.body.error).to.deep.equal({ code: 'consent_required', message });
      expect(errorFlashes((await alice.agent.get('/images/new')).text)).to.deep.equal([]);
      expect(await t.deps.db('images')).to.deep.equal([]);
    });
  }
});
