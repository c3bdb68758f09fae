import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { signUp, DEFAULT_PASSWORD } from '../helpers/session';
import { dataDirListing, databaseBytes } from '../helpers/file-scan';
import { unzipEntries } from '../helpers/unzip';
import { waitFor } from '../helpers/queue-fixtures';
import * as fx from '../helpers/image-fixtures';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-privacy-walk';

/**
 * One person walks every privacy promise they can trigger from the UI, in Chromium with JavaScript on:
 * the retention choice, describing without storing, deleting, the export and deleting the account.
 */
describe('every privacy promise, walked in a real browser', function () {
  this.timeout(180_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    fake = await startFakeOpenAI({ latencyMs: 50 });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    await t.deps.queue.start();
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  for (const width of [390, 1280]) {
    it(`keeps each promise on the path a person takes, at ${width} px`, async () => {
      const email = `walker-${width}@example.test`;
      const { user } = await signUp(t.app, { email, name: `Walker ${width}` });
      const context = await rig.browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      page.on('pageerror', (err) => {
        throw err;
      });
      await logInWithForm(page, rig.url, email, DEFAULT_PASSWORD);
      const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${width}-${name}.png`, fullPage: true });

      // Describing without storing (with the default retention of 30 minutes): nothing new on disk, and the text still arrives.
      await page.goto(`${rig.url}/images/new`);
      await consentIfAsked(page);
      const before = dataDirListing(t.dataDir);
      await page.setInputFiles('#images', [{ name: 'cat.png', mimeType: 'image/png', buffer: fx.fixture('cat.png') }]);
      await Promise.all([
        page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/),
        page.getByRole('button', { name: 'Describe without storing the images' }).click(),
      ]);
      await page.waitForSelector('[data-status="done"] textarea[name="alt_text"]', { timeout: 20_000 });
      const unstoredBatch = page.url();
      expect(dataDirListing(t.dataDir), 'DATA_DIR after a zero-retention upload').to.deep.equal(before);
      const unstored = await t.deps.db('images').where({ user_id: user.id, original_name: 'cat.png' }).first('blob_key');
      expect(unstored.blob_key).to.equal(null);
      expect(await page.locator('.image-card-media .hint').first().textContent()).to.contain('described from memory and never stored');
      await shot('zero-retention');

      // Retention: "Delete immediately after processing" removes the working copy once described, with a receipt.
      await page.goto(`${rig.url}/account/privacy`);
      await page.getByLabel('Delete immediately after processing').check();
      await page.getByRole('button', { name: 'Save retention settings' }).click();
      await page.waitForURL(`${rig.url}/account/privacy`);
      await page.goto(`${rig.url}/images/new`);
      await page.setInputFiles('#images', [{ name: 'dog.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }]);
      await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Upload and describe' }).click()]);
      const kept = await t.deps.db('images').where({ user_id: user.id, original_name: 'dog.jpg' }).first('id', 'sha256');
      await waitFor(async () => {
        const row = await t.deps.db('images').where({ id: kept.id }).first('status', 'blob_key');
        return row.status === 'done' && row.blob_key === null;
      }, 15_000, 'the described image to lose its working copy');
      expect(dataDirListing(t.dataDir).filter((line) => line.startsWith(path.join(t.dataDir, 'blobs') + '/') && !line.endsWith('/')), 'no working copy left on disk').to.deep.equal([]);
      await page.goto(`${rig.url}/account/privacy`);
      expect(await page.locator('#receipts-heading + table code.hash').allTextContents()).to.include(kept.sha256);
      await shot('receipt');

      // Deleting an image from its card: the image and its text go.
      await page.goto(unstoredBatch);
      page.once('dialog', (dialog) => void dialog.accept());
      await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: /Delete image/ }).first().click()]);
      expect(await page.locator('.flash-success').textContent()).to.contain('cat.png');
      expect(await t.deps.db('images').where({ user_id: user.id, original_name: 'cat.png' }).first()).to.equal(undefined);

      // Export: the zip holds this person's result and receipt, and nobody else's.
      await page.goto(`${rig.url}/account/privacy`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download my data' }).click()]);
      const entries = unzipEntries(fs.readFileSync(await download.path()));
      const results = JSON.parse(entries.get('results.json')!.toString('utf8')) as unknown[];
      const receipts = JSON.parse(entries.get('receipts.json')!.toString('utf8')) as { image_sha256: string }[];
      expect(results).to.have.length(1);
      expect(receipts.map((r) => r.image_sha256)).to.include(kept.sha256);
      const altText = (await t.deps.db('descriptions').where({ image_id: kept.id }).first('alt_text')).alt_text as string;
      expect(entries.get('results.json')!.toString('utf8')).to.contain(altText);

      // Deleting the account now: signed out, cannot sign in, and the email is gone from the database file.
      await page.getByLabel('Your password').fill(DEFAULT_PASSWORD);
      await page.getByLabel(/Delete everything now/).check();
      page.once('dialog', (dialog) => dialog.accept()); // "Delete your account?"
      await Promise.all([page.waitForURL(`${rig.url}/login`), page.getByRole('button', { name: 'Delete my account' }).click()]);
      expect(await page.getByRole('status').textContent()).to.contain('Your account has been deleted');
      await shot('account-deleted');
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect(await page.getByRole('alert').textContent()).to.contain('do not match an account');
      await waitFor(async () => !(await databaseBytes(t)).includes(Buffer.from(email)), 15_000, 'the deleted email to leave the database file');
      expect((await databaseBytes(t)).includes(Buffer.from(altText)), 'the generated text is gone from the file').to.equal(false);
      await context.close();
    });
  }
});

/** The consent step appears when images leave the machine; a person accepts it once. */
async function consentIfAsked(page: Page): Promise<void> {
  const consent = page.getByRole('button', { name: /I understand: send my images to/ });
  if ((await consent.count()) === 0) return;
  await Promise.all([page.waitForURL(/\/images\/new$/), consent.click()]);
}
