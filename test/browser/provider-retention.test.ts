import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

const STATED = 'Deletes each request once answered & never trains on it <really>';

describe('what a remote provider keeps, in a real browser', function () {
  this.timeout(90_000);
  let t: TestApp;
  let rig: BrowserRig;

  before(async function () {
    skipWithoutChromium(this);
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'https://vision.example.com/v1', OPENAI_PROVIDER_RETENTION: STATED });
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  /** The page fits the window: nothing to scroll sideways. */
  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  for (const width of [390, 1280]) {
    it(`shows the admin's statement at the consent step and on /privacy at ${width} px`, async () => {
      const { user } = await signUp(t.app);
      const context = await rig.browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      try {
        await logInWithForm(page, rig.url, user.email, DEFAULT_PASSWORD);
        await page.goto(`${rig.url}/images/new`);
        const consent = page.getByRole('region', { name: 'Before your first upload' });
        expect(await consent.locator('#provider-retention').innerText()).to.equal(`The administrator of this server states what vision.example.com keeps: “${STATED}”`);
        expect(await fitsWidth(page)).to.equal(true);

        await page.getByRole('link', { name: 'What is sent, and how long anything is kept' }).click();
        await page.waitForURL(`${rig.url}/privacy`);
        const where = page.getByRole('region', { name: 'Where your images are processed' });
        expect(await where.locator('#provider-retention').innerText()).to.contain(STATED);
        expect(await where.locator('#provider-request').innerText()).to.contain('store: false');
        expect(await fitsWidth(page)).to.equal(true);

        await page.goBack();
        await page.getByRole('button', { name: 'I understand: send my images to vision.example.com' }).click();
        await page.waitForURL(`${rig.url}/images/new`);
        expect(await page.getByLabel('Choose images').count()).to.equal(1);
      } finally {
        await context.close();
      }
    });
  }
});
