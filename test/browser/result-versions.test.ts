import fs from 'node:fs';
import { expect } from 'chai';
import type { BrowserContext, Dialog, Locator, Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { signUp, DEFAULT_PASSWORD } from '../helpers/session';
import { addImages, seedBatch, waitFor } from '../helpers/queue-fixtures';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-versions';
const FIRST_TEXT = 'Red bicycle leaning against a brick wall on a sunny street';

describe('result history and unsaved edits in a real browser', function () {
  this.timeout(90_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;
  let users = 0;

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, QUEUE_CONCURRENCY: '1' });
    await t.deps.queue.start();
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  /** A signed-in page (JavaScript on unless asked) on a batch of two described images. */
  async function batchPage(width: number, javaScriptEnabled = true): Promise<{ page: Page; context: BrowserContext; ids: string[]; batchId: string; problems: string[] }> {
    users += 1;
    const email = `versions-${users}@example.test`;
    const owner = await signUp(t.app, { email });
    const context = await rig.browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} ${new URL(res.url()).pathname}`);
    });
    await logInWithForm(page, rig.url, email, DEFAULT_PASSWORD);
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    const ids = await addImages(t, owner.user.id, batchId, 2);
    await waitFor(async () => (await t.deps.db('images').whereIn('id', ids).where({ status: 'done' })).length === 2, 10_000, 'two descriptions');
    await page.goto(`${rig.url}/batches/${batchId}`);
    return { page, context, ids, batchId, problems };
  }

  const card = (page: Page, id: string): Locator => page.locator(`[data-image-id="${id}"]`);
  const altText = (page: Page, id: string): Locator => card(page, id).locator('textarea[name="alt_text"]');
  const stored = async (id: string): Promise<string> => (await t.deps.db('descriptions').where({ image_id: id }).first()).alt_text;

  /** Marks the document, so a test can tell that no reload happened. */
  const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

  for (const width of [390, 1280]) {
    it(`at ${width} px: an edit survives "describe again", the new text is offered, and an older version can be restored`, async () => {
      const { page, context, ids, problems } = await batchPage(width);
      const [id] = ids;
      await markDocument(page);

      await altText(page, id).click();
      await altText(page, id).fill('My own words for this photo');
      await card(page, id).getByRole('button', { name: /^Save changes/ }).click();
      await expect_text(card(page, id).locator('[data-card-message]'), 'Saved your changes.');
      expect(await sameDocument(page)).to.equal(true);
      expect(await stored(id)).to.equal('My own words for this photo');

      await card(page, id).locator('summary', { hasText: 'Describe again' }).click();
      expect(await card(page, id).locator('.regenerate-form').textContent()).to.contain('You edited the alt text. Your edits stay the current text');
      await page.screenshot({ path: `${SHOTS}/${width}-regenerate-form.png`, fullPage: true });
      await card(page, id).getByLabel('Instructions').fill('Brand new machine text');
      await Promise.all([page.waitForURL(/#image-/), card(page, id).getByRole('button', { name: 'Describe again', exact: true }).click()]);

      // batch-progress.js swaps the card in when the new description is stored.
      const offer = card(page, id).locator('[data-new-version]');
      await offer.waitFor({ timeout: 15_000 });
      expect(await altText(page, id).inputValue()).to.equal('My own words for this photo');
      expect(await offer.textContent()).to.contain('Brand new machine text');
      expect(await offer.getByRole('button', { name: /^Keep your edits/ }).isVisible()).to.equal(true);
      expect(await offer.getByRole('button', { name: /^Use the new text/ }).isVisible()).to.equal(true);
      await card(page, id).locator('[data-history] summary').click();
      expect(await card(page, id).locator('[data-history] summary').textContent()).to.contain('History (3 versions)');
      await card(page, id).screenshot({ path: `${SHOTS}/${width}-new-version-offered.png` });

      await markDocument(page);
      await card(page, id).getByRole('button', { name: /^Restore version 1/ }).click();
      await expect_text(card(page, id).locator('[data-card-message]'), 'Restored version 1; the text it replaced stays in the history.');
      expect(await sameDocument(page)).to.equal(true);
      expect(await altText(page, id).inputValue()).to.equal(FIRST_TEXT);
      expect(await stored(id)).to.equal(FIRST_TEXT);
      expect(await card(page, id).locator('[data-new-version]').count()).to.equal(0);
      await card(page, id).locator('[data-history] summary').click();
      expect(await card(page, id).locator('[data-history] summary').textContent()).to.contain('History (4 versions)');
      expect(await card(page, id).locator('[data-version="4"]').textContent()).to.contain('Restored from version 1 by you');
      await card(page, id).screenshot({ path: `${SHOTS}/${width}-restored.png` });
      expect(problems).to.deep.equal([]);
      await context.close();
    });
  }

  it('saving one card keeps the unsaved edit of another, and leaving the page with it asks first', async () => {
    const { page, context, ids, problems } = await batchPage(1280);
    const [first, second] = ids;
    await markDocument(page);
    await altText(page, first).click();
    await altText(page, first).fill('Typed on the first card, not saved');
    await altText(page, second).click();
    await altText(page, second).fill('Saved on the second card');
    await card(page, second).getByRole('button', { name: /^Save changes/ }).click();
    await expect_text(card(page, second).locator('[data-card-message]'), 'Saved your changes.');
    expect(await altText(page, first).inputValue()).to.equal('Typed on the first card, not saved');
    expect(await stored(second)).to.equal('Saved on the second card');
    expect(await stored(first)).to.equal(FIRST_TEXT);

    // Another action on the card with unsaved typing keeps the typing too.
    await card(page, first).getByRole('button', { name: /^Mark as reviewed/ }).click();
    await expect_text(card(page, first).locator('[data-card-message]'), 'Marked as reviewed.');
    expect(await card(page, first).getByText(/^Reviewed \d/).isVisible()).to.equal(true);
    expect(await altText(page, first).inputValue()).to.equal('Typed on the first card, not saved');
    expect(await sameDocument(page)).to.equal(true);
    await page.screenshot({ path: `${SHOTS}/1280-two-cards.png`, fullPage: true });

    const dialogs: string[] = [];
    const dismiss = (dialog: Dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    };
    page.on('dialog', dismiss);
    await page.getByRole('link', { name: 'Library' }).click();
    await waitFor(() => dialogs.length > 0, 5_000, 'the leave-page dialog');
    expect(dialogs).to.deep.equal(['beforeunload']);
    expect(new URL(page.url()).pathname).to.match(/^\/batches\//);
    expect(await altText(page, first).inputValue()).to.equal('Typed on the first card, not saved');

    await card(page, first).getByRole('button', { name: /^Save changes/ }).click();
    await expect_text(card(page, first).locator('[data-card-message]'), 'Saved your changes.');
    await Promise.all([page.waitForURL(`${rig.url}/images`), page.getByRole('link', { name: 'Library' }).click()]);
    expect(dialogs).to.deep.equal(['beforeunload']);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it('without JavaScript, saving, the history and restoring work as plain forms', async () => {
    const { page, context, ids } = await batchPage(390, false);
    const [id] = ids;
    await altText(page, id).fill('Written without scripts');
    await Promise.all([page.waitForURL(/#image-/), card(page, id).getByRole('button', { name: /^Save changes/ }).click()]);
    expect(await page.locator('.flash-success').textContent()).to.contain('Saved your changes.');
    expect(await card(page, id).locator('[data-copy-target]').first().isVisible()).to.equal(false);
    await card(page, id).locator('[data-history] summary').click();
    await Promise.all([page.waitForURL(/#image-/), card(page, id).getByRole('button', { name: /^Restore version 1/ }).click()]);
    expect(await page.locator('.flash-success').textContent()).to.contain('Restored version 1');
    expect(await altText(page, id).inputValue()).to.equal(FIRST_TEXT);
    await page.screenshot({ path: `${SHOTS}/390-no-js-restored.png`, fullPage: true });
    await context.close();
  });
});

/** Waits until the element's text is `text` (the card's message appears once the request is done). */
async function expect_text(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor({ timeout: 10_000 });
  expect((await locator.textContent())?.trim()).to.equal(text);
}
