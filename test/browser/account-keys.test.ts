import fs from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp, DEFAULT_PASSWORD } from '../helpers/session';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-keys';

/**
 * Deleting an account in the browser, as its owner would, takes its API keys with it at once, and
 * restoring the account by signing in again does not bring them back. At phone and desktop widths.
 */
describe('deleting an account revokes its API keys, in a real browser', function () {
  this.timeout(60_000);
  let t: TestApp;
  let rig: BrowserRig;

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await buildTestApp();
    rig = await openBrowserRig(t);
    await signUp(t.app); // the admin
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  const usage = (key: string) => request(rig.url).get('/api/v1/usage').set('Authorization', `Bearer ${key}`);

  async function createKey(page: Page, name: string): Promise<string> {
    await page.goto(`${rig.url}/account/api-keys`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Read and write').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    return page.getByLabel('API key', { exact: true }).inputValue();
  }

  for (const width of [390, 1280]) {
    it(`at ${width} px: the key stops at once, and stays revoked after signing in restores the account`, async () => {
      const user = await signUp(t.app, { email: `keys-${width}@example.test` });
      const page = await (await rig.browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: true })).newPage();
      await logInWithForm(page, rig.url, user.user.email, DEFAULT_PASSWORD);
      const key = await createKey(page, 'shop import');
      await usage(key).expect(200);

      await page.goto(`${rig.url}/account/privacy`);
      const section = page.getByRole('region', { name: 'Delete your account' });
      expect(await section.textContent()).to.match(/your API keys stop working at once/);
      await section.screenshot({ path: `${SHOTS}/delete-account-${width}.png` });
      await page.getByLabel('Your password').fill(DEFAULT_PASSWORD);
      page.once('dialog', (dialog) => dialog.accept()); // "Delete your account?"
      await Promise.all([page.waitForURL(`${rig.url}/login`), page.getByRole('button', { name: 'Delete my account' }).click()]);

      const refused = await usage(key).expect(401);
      expect(refused.body.error.code).to.equal('account_deleted');

      await logInWithForm(page, rig.url, user.user.email, DEFAULT_PASSWORD);
      await page.goto(`${rig.url}/account/api-keys`);
      const row = page.getByRole('row', { name: /shop import/ });
      expect(await row.textContent()).to.match(/Revoked/);
      expect(await row.getByRole('button', { name: /Revoke/ }).count()).to.equal(0);
      // The key list becomes one block per key on a phone: the page never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).to.equal(true);
      await page.locator('section[aria-labelledby="keys-heading"]').screenshot({ path: `${SHOTS}/keys-after-restore-${width}.png` });
      expect((await usage(key)).status).to.equal(401);

      await page.goto(`${rig.url}/privacy`);
      expect(await page.getByRole('region', { name: 'Export and delete your data' }).textContent()).to.match(/API keys are revoked at once/);
      await page.screenshot({ path: `${SHOTS}/privacy-${width}.png`, fullPage: true });
      await page.context().close();
    });
  }
});
