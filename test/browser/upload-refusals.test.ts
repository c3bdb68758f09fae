import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { signUp } from '../helpers/session';
import { blobFilesOnDisk } from '../helpers/privacy-seed';
import * as fx from '../helpers/image-fixtures';
import { setQuota } from '../../server/services/usage';
import { zeroRetentionQueue } from '../../server/services/zero-retention';
import { BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-upload';
const WIDTHS = [390, 1280];
const QUOTA_LEFT = 'This upload has 2 images, but this account has only 1 of its 1 descriptions for the month left. Send fewer images; the count resets on the 1st (UTC), and an admin can raise the quota.';

function images(n: number, tiny: Buffer) {
  return Array.from({ length: n }, (_, i) => ({ name: `tiny-${i}.png`, mimeType: 'image/png', buffer: tiny }));
}

describe('refusals on the upload page in a real browser', function () {
  this.timeout(120_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;
  let tiny: Buffer;
  let userId: number;
  const email = 'refused@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, MAX_UPLOAD_MB: '1' });
    userId = (await signUp(t.app, { email })).user.id;
    rig = await openBrowserRig(t);
    tiny = await fx.solidImage('png', 8, 8);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  async function nothingStored(): Promise<void> {
    expect(await t.deps.db('images').where({ user_id: userId })).to.deep.equal([]);
    expect(blobFilesOnDisk(t)).to.deep.equal([]);
  }

  /** Clicks a button and waits for the script to show its answer in the status line. */
  async function clickAndReadStatus(page: Page, button: string, expected: string): Promise<void> {
    await page.getByRole('button', { name: button }).click();
    const status = page.locator('[data-upload-status]');
    await status.filter({ hasText: expected }).waitFor({ timeout: 20_000 });
    expect(await status.textContent()).to.equal(expected);
    expect(await status.getAttribute('class')).to.equal('upload-status flash flash-error');
    expect(new URL(page.url()).pathname).to.equal('/images/new');
  }

  it('shows the quota left before anything is uploaded', async () => {
    await setQuota(t.deps, userId, 1);
    for (const width of WIDTHS) {
      const { context, page } = await signedInAt(rig, email, '/images/new', { width });
      expect(await page.locator('[data-quota]').textContent()).to.match(/^This month you can describe 1 more image \(quota 1, 0 used or waiting\)\. The count resets on \d{4}-\d\d-01 00:00 UTC\.$/);
      await page.screenshot({ path: `${SHOTS}/quota-${width}.png`, fullPage: true });
      await context.close();
    }
  });

  it('with JavaScript on, says why an upload over the quota was refused, on the form, and keeps nothing', async () => {
    await setQuota(t.deps, userId, 1);
    for (const width of WIDTHS) {
      const { context, page } = await signedInAt(rig, email, '/images/new', { width });
      await page.setInputFiles('#images', images(2, tiny));
      await clickAndReadStatus(page, 'Upload and describe', QUOTA_LEFT);
      expect(await page.getByRole('button', { name: 'Upload and describe' }).isEnabled()).to.equal(true);
      await page.locator('[data-upload-status]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/refused-quota-js-${width}.png`, fullPage: true });
      await context.close();
    }
    await nothingStored();
  });

  it('with JavaScript off, says the same at the top of the form', async () => {
    await setQuota(t.deps, userId, 1);
    const { context, page } = await signedInAt(rig, email, '/images/new', { javaScriptEnabled: false, width: 390 });
    await page.setInputFiles('#images', images(2, tiny));
    await Promise.all([page.waitForURL(`${rig.url}/images/new`), page.getByRole('button', { name: 'Upload and describe' }).click()]);
    expect(await page.locator('.flash-error').textContent()).to.equal(QUOTA_LEFT);
    await page.screenshot({ path: `${SHOTS}/refused-quota-nojs-390.png`, fullPage: true });
    await context.close();
    await nothingStored();
  });

  it('with JavaScript on, refuses more images than "without storing" takes before sending them', async () => {
    await setQuota(t.deps, userId, null, true);
    const { context, page } = await signedInAt(rig, email, '/images/new');
    await page.setInputFiles('#images', images(21, tiny));
    const posted: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST') posted.push(req.url());
    });
    await clickAndReadStatus(page, 'Describe without storing the images', 'Choose at most 20 images at a time.');
    expect(posted).to.deep.equal([]);
    await context.close();
    await nothingStored();
  });

  it('with JavaScript on, says so when the in-memory queue is full', async () => {
    await setQuota(t.deps, userId, null, true);
    const { context, page } = await signedInAt(rig, email, '/images/new');
    await page.setInputFiles('#images', images(1, tiny));
    zeroRetentionQueue(t.deps).reserve(20);
    try {
      await clickAndReadStatus(page, 'Describe without storing the images', 'The server is busy describing other images that are not stored. Try again in a moment. Nothing was kept.');
    } finally {
      zeroRetentionQueue(t.deps).release(20);
    }
    await page.screenshot({ path: `${SHOTS}/refused-busy-js-1280.png`, fullPage: true });
    await context.close();
    await nothingStored();
  });

  it('with JavaScript on, says which file is too large, and sends nothing', async () => {
    const { context, page } = await signedInAt(rig, email, '/images/new', { width: 390 });
    await page.setInputFiles('#images', [{ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(1024 * 1024 + 1) }]);
    await clickAndReadStatus(page, 'Describe without storing the images', '"huge.jpg" is larger than 1 MB.');
    await context.close();
    await nothingStored();
  });
});
