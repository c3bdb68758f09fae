import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { signUp } from '../helpers/session';
import { dataDirListing } from '../helpers/file-scan';
import { waitFor } from '../helpers/queue-fixtures';
import * as fx from '../helpers/image-fixtures';
import { BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

const TWO = [
  { name: 'dog.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') },
  { name: 'cat.png', mimeType: 'image/png', buffer: fx.fixture('cat.png') },
];

describe('"Describe without storing the images" in a real browser', function () {
  this.timeout(90_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;
  const email = 'no-storing@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fake = await startFakeOpenAI({ latencyMs: 100 });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    await signUp(t.app, { email });
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  /** Chooses two images, clicks the button, and returns the id of the batch it lands on. */
  async function describeWithoutStoring(page: Page): Promise<string> {
    await page.setInputFiles('#images', TWO);
    await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Describe without storing the images' }).click()]);
    return new URL(page.url()).pathname.split('/').pop()!;
  }

  /** The batch's rows once every image is described: none of them has a stored working copy. */
  async function describedRows(batchId: string) {
    await waitFor(async () => {
      const rows = await t.deps.db('images').where({ batch_id: batchId });
      return rows.length === 2 && rows.every((row) => row.status === 'done');
    }, 20_000, 'both images described');
    const batch = await t.deps.db('batches').where({ id: batchId }).first();
    expect(batch.zero_retention).to.equal(1);
    const rows = await t.deps.db('images').where({ batch_id: batchId }).orderBy('original_name');
    expect(rows.map((row) => [row.original_name, row.blob_key])).to.deep.equal([['cat.png', null], ['dog.jpg', null]]);
    return rows;
  }

  it('with JavaScript on: sends the form where that button says, keeps nothing under DATA_DIR, and shows the text', async () => {
    const { context, page } = await signedInAt(rig, email, '/images/new');
    const before = dataDirListing(t.dataDir);
    const sent = page.waitForRequest((req) => req.method() === 'POST');
    const batchId = await describeWithoutStoring(page);
    const request = await sent;
    expect(new URL(request.url()).pathname).to.equal('/images/zero-retention');
    expect(request.headers().accept).to.equal('application/json');

    await describedRows(batchId);
    await page.waitForFunction(() => document.querySelectorAll('[data-status="done"] textarea[name="alt_text"]').length === 2, null, { timeout: 20_000 });
    const alts = await page.locator('[data-status="done"] textarea[name="alt_text"]').evaluateAll((areas) => (areas as HTMLTextAreaElement[]).map((a) => a.value));
    expect(alts.every((alt) => alt.length > 0)).to.equal(true);
    expect(dataDirListing(t.dataDir)).to.deep.equal(before);
    await context.close();
  });

  it('with JavaScript off: the same, by the browser\'s own form submission', async () => {
    const { context, page } = await signedInAt(rig, email, '/images/new', { javaScriptEnabled: false });
    const before = dataDirListing(t.dataDir);
    const batchId = await describeWithoutStoring(page);
    await describedRows(batchId);
    await page.reload();
    const alts = await page.locator('[data-status="done"] textarea[name="alt_text"]').evaluateAll((areas) => (areas as HTMLTextAreaElement[]).map((a) => a.value));
    expect(alts).to.have.length(2);
    expect(alts.every((alt) => alt.length > 0)).to.equal(true);
    expect(dataDirListing(t.dataDir)).to.deep.equal(before);
    await context.close();
  });

  it('"Upload and describe" still stores the working copies, with JavaScript on', async () => {
    const { context, page } = await signedInAt(rig, email, '/images/new');
    await page.setInputFiles('#images', TWO.slice(0, 1));
    await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Upload and describe' }).click()]);
    const batchId = new URL(page.url()).pathname.split('/').pop()!;
    const rows = await t.deps.db('images').where({ batch_id: batchId });
    expect(rows).to.have.length(1);
    expect(rows[0].blob_key).to.be.a('string');
    expect(await page.getByRole('status').first().textContent()).to.contain('1 image queued for describing.');
    await context.close();
  });
});
