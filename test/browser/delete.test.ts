import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp, DEFAULT_PASSWORD } from '../helpers/session';
import { seedDescribedBatch } from '../helpers/ingest-seed';
import { blobFilesOnDisk } from '../helpers/privacy-seed';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-delete';

interface StoredImage {
  id: string;
  original_name: string;
  blob_key: string;
  sha256: string;
}

describe('deleting images and batches in a real browser', function () {
  this.timeout(120_000);
  let t: TestApp;
  let rig: BrowserRig;
  let userId: number;
  const email = 'deleter@example.test';
  /** Every image deleted so far by this suite's account, for the receipts it must see. */
  const deleted: StoredImage[] = [];

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await buildTestApp();
    userId = (await signUp(t.app, { email })).user.id;
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  async function signedIn(width: number, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
    const context = await rig.browser.newContext({ javaScriptEnabled, viewport: { width, height: width < 600 ? 844 : 800 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
    await logInWithForm(page, rig.url, email, DEFAULT_PASSWORD);
    return { context, page };
  }

  /** The images of a batch whose working copy is on disk. */
  async function stored(batchId: string): Promise<StoredImage[]> {
    return t.deps.db('images').where({ batch_id: batchId }).whereNotNull('blob_key').orderBy('rowid').select('id', 'original_name', 'blob_key', 'sha256');
  }

  const blobNames = () => blobFilesOnDisk(t).map((file) => path.basename(file)).sort();

  /** Nothing on the page is wider than the window (no sideways scrolling). */
  async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(scroll, `${what} scrolls sideways`).to.be.at.most(client);
  }

  /** Clicks a delete button, answers the browser's confirm() with OK, and waits for where it lands. */
  async function confirmDelete(page: Page, button: ReturnType<Page['locator']>, landsOn: RegExp): Promise<string> {
    let message = '';
    page.once('dialog', (dialog) => {
      message = `${dialog.type()}: ${dialog.message()}`;
      void dialog.accept();
    });
    const post = page.waitForRequest((req) => req.method() === 'POST' && /\/delete$/.test(new URL(req.url()).pathname));
    await Promise.all([page.waitForURL(landsOn), button.click()]);
    expect((await post).postData(), 'the POST carries the CSRF token').to.match(/(^|&)_csrf=[\w-]{20,}/);
    return message;
  }

  const flashText = (page: Page) => page.locator('.flash-success').textContent();

  for (const width of [390, 1280]) {
    it(`deletes an image from its card, then the whole batch, then an image from the library, at ${width} px`, async () => {
      const batch = await seedDescribedBatch(t.deps, userId);
      const library = await seedDescribedBatch(t.deps, userId);
      const [eagle, cat] = await stored(batch.batchId);
      const [, libraryCat] = await stored(library.batchId);
      const { context, page } = await signedIn(width);

      await page.goto(`${rig.url}/batches/${batch.batchId}`);
      await expectNoSidewaysScroll(page, 'the batch page');
      await page.locator(`#image-${eagle!.id}`).screenshot({ path: `${SHOTS}/card-${width}.png` });
      await page.screenshot({ path: `${SHOTS}/batch-${width}.png`, fullPage: true });

      // One image from its card: the others stay.
      const before = blobNames();
      const cardButton = page.locator(`#image-${eagle!.id}`).getByRole('button', { name: 'Delete image eagle.jpg' });
      expect(await confirmDelete(page, cardButton, new RegExp(`/batches/${batch.batchId}$`))).to.equal(
        'confirm: Delete “eagle.jpg”? Its text and working copy are removed; a receipt is kept.',
      );
      expect(await flashText(page)).to.equal('Deleted “eagle.jpg” with its text and working copy. A deletion receipt is kept under Account → Privacy.');
      expect(before.filter((name) => !blobNames().includes(name))).to.deep.equal([eagle!.blob_key]);
      expect(await page.locator(`#image-${eagle!.id}`).count()).to.equal(0);
      expect(await page.locator('[data-image-id]').count()).to.equal(2);
      await expectNoSidewaysScroll(page, 'the batch page after a delete');
      await page.screenshot({ path: `${SHOTS}/card-deleted-${width}.png` });

      // The whole batch: lands on the dashboard.
      expect(await confirmDelete(page, page.getByRole('button', { name: 'Delete batch Lake photos' }), new RegExp(`${rig.url}/$`))).to.equal(
        'confirm: Delete this batch and its 2 images? Their text and working copies are removed; receipts are kept.',
      );
      expect(await flashText(page)).to.equal('Deleted the batch “Lake photos” with its 2 images and their text. A deletion receipt is kept under Account → Privacy.');
      expect(blobNames()).not.to.include(cat!.blob_key);
      expect(await t.deps.db('images').where({ batch_id: batch.batchId })).to.deep.equal([]);
      await page.screenshot({ path: `${SHOTS}/batch-deleted-${width}.png` });

      // An image from the library: back on the same search.
      await page.goto(`${rig.url}/images?batch=${library.batchId}`);
      await expectNoSidewaysScroll(page, 'the library');
      await page.screenshot({ path: `${SHOTS}/library-${width}.png`, fullPage: true });
      const libraryButton = page.locator(`form[action="/images/${libraryCat!.id}/delete"]`).getByRole('button', { name: 'Delete image cat.png' });
      await confirmDelete(page, libraryButton, new RegExp(`/images\\?batch=${library.batchId}&page=1$`));
      expect(await flashText(page)).to.equal('Deleted “cat.png” with its text and working copy. A deletion receipt is kept under Account → Privacy.');
      expect(blobNames()).not.to.include(libraryCat!.blob_key);
      expect(await page.locator('.library-item').count()).to.equal(2);
      await expectNoSidewaysScroll(page, 'the library after a delete');
      await page.screenshot({ path: `${SHOTS}/library-deleted-${width}.png` });

      // Every deletion left a receipt the person can see.
      await page.goto(`${rig.url}/account/privacy`);
      deleted.push(eagle!, cat!, libraryCat!);
      const receipts = await page.locator('#receipts-heading + table tbody tr').allTextContents();
      // The same fixture files are seeded each time, so equal hashes count together.
      for (const image of deleted) {
        const expected = deleted.filter((d) => d.sha256 === image.sha256).length;
        expect(receipts.filter((row) => row.includes(image.sha256) && row.includes('deleted at your request')), image.original_name).to.have.length(expected);
      }
      await expectNoSidewaysScroll(page, 'Account → Privacy');
      await page.locator('#receipts-heading').screenshot({ path: `${SHOTS}/receipts-heading-${width}.png` });
      await page.screenshot({ path: `${SHOTS}/privacy-${width}.png`, fullPage: true });
      await context.close();
    });
  }

  it('deletes an image through the confirmation page when JavaScript is off', async () => {
    const batch = await seedDescribedBatch(t.deps, userId);
    const [eagle] = await stored(batch.batchId);
    const { context, page } = await signedIn(390, false);
    await page.goto(`${rig.url}/batches/${batch.batchId}`);
    await Promise.all([
      // A GET form with no fields still ends the address with "?".
      page.waitForURL(new RegExp(`/images/${eagle!.id}/delete\\??$`)),
      page.locator(`#image-${eagle!.id}`).getByRole('button', { name: 'Delete image eagle.jpg' }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Delete “eagle.jpg”?');
    expect(await page.locator('main').textContent()).to.include('Delete this image? Its text and working copy are removed; a receipt is kept.');
    expect(blobNames()).to.include(eagle!.blob_key);
    await expectNoSidewaysScroll(page, 'the confirmation page');
    await page.screenshot({ path: `${SHOTS}/confirm-nojs-390.png`, fullPage: true });

    await Promise.all([page.waitForURL(`${rig.url}/batches/${batch.batchId}`), page.getByRole('button', { name: 'Delete image' }).click()]);
    expect(await flashText(page)).to.equal('Deleted “eagle.jpg” with its text and working copy. A deletion receipt is kept under Account → Privacy.');
    expect(blobNames()).not.to.include(eagle!.blob_key);
    await page.screenshot({ path: `${SHOTS}/deleted-nojs-390.png` });
    await page.goto(`${rig.url}/account/privacy`);
    expect(await page.locator('#receipts-heading + table').textContent()).to.include(eagle!.sha256);
    await context.close();
  });
});
