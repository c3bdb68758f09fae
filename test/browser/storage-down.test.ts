import fs from 'node:fs';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';
import { startS3Server, S3Server } from '../helpers/s3-server';
import * as fx from '../helpers/image-fixtures';
import { BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-s3-blobs';
const DOWN = 'Image storage cannot be reached right now. Nothing was uploaded. Please try again in a few minutes.';

describe('the upload page while the S3 store is down, in a real browser', function () {
  this.timeout(120_000);
  let s3: S3Server;
  let t: TestApp;
  let rig: BrowserRig;
  let userId: number;
  const email = 'storage-down@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    s3 = await startS3Server();
    t = await buildTestApp(s3.env());
    userId = (await signUp(t.app, { email })).user.id;
    rig = await openBrowserRig(t);
    await s3.stop();
  });
  after(async () => {
    await rig?.close();
    await t?.close();
    await s3?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`says in plain words that nothing was uploaded, and stores nothing (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      for (const width of [390, 1280]) {
        const { context, page } = await signedInAt(rig, email, '/images/new', { width, javaScriptEnabled });
        await page.setInputFiles('#images', [{ name: 'dog.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }]);
        await page.getByRole('button', { name: 'Upload and describe' }).click();
        const message = page.locator(javaScriptEnabled ? '[data-upload-status]' : '.flash-error').filter({ hasText: DOWN });
        await message.waitFor({ timeout: 20_000 });
        expect(new URL(page.url()).pathname).to.equal('/images/new');
        expect(await page.locator('body').textContent()).not.to.match(/Error:|\bat \w+ \(|ECONNREFUSED/);
        await message.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SHOTS}/storage-down-js-${javaScriptEnabled ? 'on' : 'off'}-${width}.png` });
        await context.close();
      }
      expect(await t.deps.db('images').where({ user_id: userId })).to.deep.equal([]);
      expect(s3.objectFiles()).to.deep.equal([]);
    });
  }
});
