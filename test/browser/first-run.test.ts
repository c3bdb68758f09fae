import fs from 'node:fs';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { BrowserRig, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-first-run';
const PASSWORD = 'sparrow lantern quartz';

describe('first run, in a real browser', function () {
  this.timeout(60_000);

  for (const width of [390, 1280]) {
    describe(`at ${width} px`, () => {
      let t: TestApp;
      let rig: BrowserRig;

      before(async function () {
        skipWithoutChromium(this);
        fs.mkdirSync(SHOTS, { recursive: true });
        t = await buildTestApp();
        rig = await openBrowserRig(t);
      });

      after(async () => {
        await rig?.close();
        await t?.close();
      });

      it('opens on "Create the admin account", signs the admin in, and sign-in later returns to the page asked for', async () => {
        const context = await rig.browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${rig.url}/`);
        expect(page.url()).to.equal(`${rig.url}/signup`);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Create the admin account');
        expect(await page.getByRole('link', { name: 'Sign in' }).count()).to.equal(0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
        await page.screenshot({ path: `${SHOTS}/first-run-${width}.png`, fullPage: true });

        await page.getByLabel('Your name').fill('Rosa');
        await page.getByLabel('Email address').fill('rosa@example.test');
        await page.getByLabel('Password').fill(PASSWORD);
        await Promise.all([page.waitForURL(`${rig.url}/`), page.getByRole('button', { name: 'Create the admin account' }).click()]);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Welcome, Rosa');
        expect(await page.getByRole('status').textContent()).to.contain('you are signed in');
        await page.screenshot({ path: `${SHOTS}/first-run-signed-in-${width}.png`, fullPage: true });

        await Promise.all([page.waitForURL(`${rig.url}/login`), page.getByRole('button', { name: /Sign out/ }).click()]);
        // By invitation (the default): no "Sign up" to lead anyone to a closed door.
        expect(await page.getByRole('link', { name: 'Sign up' }).count()).to.equal(0);
        await page.goto(`${rig.url}/account/api-keys`);
        expect(page.url()).to.equal(`${rig.url}/login?next=%2Faccount%2Fapi-keys`);
        await page.getByLabel('Email address').fill('rosa@example.test');
        await page.getByLabel('Password').fill(PASSWORD);
        await Promise.all([page.waitForURL(`${rig.url}/account/api-keys`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('API keys');
        await context.close();
      });
    });
  }
});
