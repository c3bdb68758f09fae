import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-first-run';

/** Each secret shown only once, made through its form as a person would; answers the field's label. */
const SECRETS: { name: string; as: 'admin'; make(page: Page, url: string): Promise<void>; label: string; looksLike: RegExp }[] = [
  {
    name: 'API key',
    as: 'admin',
    label: 'API key',
    looksLike: /^sl_\w+/,
    async make(page, url) {
      await page.goto(`${url}/account/api-keys`);
      await page.getByLabel('Name').fill('shop import');
      await page.getByRole('button', { name: 'Create key' }).click();
    },
  },
  {
    name: 'webhook signing secret',
    as: 'admin',
    label: 'Signing secret',
    looksLike: /^whsec_/,
    async make(page, url) {
      await page.goto(`${url}/account/webhooks`);
      // 127.0.0.1 is allowed as a webhook target in this test app: no name is looked up.
      await page.getByLabel('URL').fill('http://127.0.0.1:9/sightline-hook-with-a-long-path-to-wrap');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
    },
  },
  {
    name: 'invite link',
    as: 'admin',
    label: 'Invite link',
    looksLike: /^http:\/\/127\.0\.0\.1:\d+\/signup\?invite=[\w-]+$/,
    async make(page, url) {
      await page.goto(`${url}/admin/invites`);
      await page.getByRole('button', { name: 'Create an invite link' }).click();
    },
  },
];

describe('secrets shown once can be copied, in a real browser', function () {
  this.timeout(60_000);
  let t: TestApp;
  let rig: BrowserRig;
  const email = 'admin@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: '127.0.0.1' });
    await signUp(t.app, { email });
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  for (const secret of SECRETS) {
    for (const width of [390, 1280]) {
      it(`${secret.name}, ${width} px: "Copy" puts it on the clipboard and says "Copied" in a status line`, async () => {
        const context = await rig.browser.newContext({ viewport: { width, height: 900 } });
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rig.url });
        const page = await context.newPage();
        await logInWithForm(page, rig.url, email, DEFAULT_PASSWORD);
        await secret.make(page, rig.url);
        const field = page.getByRole('textbox', { name: secret.label, exact: true });
        const value = await field.inputValue();
        expect(value).to.match(secret.looksLike);
        expect(await field.getAttribute('readonly')).to.not.equal(null);
        const status = page.getByRole('status').filter({ hasText: 'Copied' });
        expect(await status.count()).to.equal(0);
        await page.getByRole('button', { name: `Copy ${secret.label.toLowerCase()}` }).click();
        await status.waitFor();
        expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(value);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
        await page.screenshot({ path: `${SHOTS}/copy-${secret.name.replace(/\W+/g, '-')}-${width}.png`, fullPage: true });
        await context.close();
      });
    }

    it(`${secret.name}, JavaScript off: a read-only field to select, and no button that cannot work`, async () => {
      const context = await rig.browser.newContext({ viewport: { width: 390, height: 900 }, javaScriptEnabled: false });
      const page = await context.newPage();
      await logInWithForm(page, rig.url, email, DEFAULT_PASSWORD);
      await secret.make(page, rig.url);
      const field = page.getByRole('textbox', { name: secret.label, exact: true });
      expect(await field.inputValue()).to.match(secret.looksLike);
      expect(await field.getAttribute('readonly')).to.not.equal(null);
      expect(await page.getByRole('button', { name: /^Copy/ }).count()).to.equal(0);
      await field.selectText();
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).selectionEnd)).to.equal((await field.inputValue()).length);
      await context.close();
    });
  }
});
