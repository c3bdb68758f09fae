import fs from 'node:fs';
import { expect } from 'chai';
import { browserApp } from './browser-app';
import { logInWithForm } from './browser';
import { DEFAULT_PASSWORD } from '../helpers/session';
import { axeViolations } from './axe';
import { startWordPress, WP_PASSWORD, type WordPressSite } from '../helpers/wordpress';
import { listSites } from '../../server/db/wordpress-sites';

const SHOTS = '/tmp/shots-wordpress';

describe('connecting a WordPress site through WordPress\'s own authorisation screen, in a real browser', function () {
  this.timeout(120_000);
  const email = 'wordpress-owner@example.test';
  const env: Record<string, string> = {};
  let wp: WordPressSite;
  before(async () => {
    wp = await startWordPress();
    await wp.seedMedia([{ title: 'A harbour', alt: '' }, { title: 'A chair', alt: 'photo' }, { title: 'A boat', alt: 'A red fishing boat on a calm sea' }]);
    env.ALLOWED_INTERNAL_HOSTS = `127.0.0.1:${wp.port}`;
  });
  const app = browserApp({ email, env });
  after(async () => { await wp?.close(); });

  for (const width of [390, 1280]) {
    it(`signs in to wp-admin, approves, lands back on Sightline connected, and scans, at ${width} px`, async () => {
      const context = await app.rig.browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await logInWithForm(page, app.rig.url, email, DEFAULT_PASSWORD);
      await page.goto(`${app.rig.url}/wordpress`);
      try {
        fs.mkdirSync(SHOTS, { recursive: true });
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'no sideways scroll').to.be.at.most(0);
        expect(await axeViolations(page)).to.deep.equal([]);
        await page.screenshot({ path: `${SHOTS}/connect-${width}.png`, fullPage: true });

        await page.locator('#authorize-site-url').fill(wp.url);
        await page.getByRole('button', { name: 'Connect through WordPress' }).click();
        await page.getByRole('link', { name: /Continue to/ }).waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'no sideways scroll').to.be.at.most(0);
        expect(await axeViolations(page)).to.deep.equal([]);
        await page.screenshot({ path: `${SHOTS}/authorize-${width}.png`, fullPage: true });
        await page.getByRole('link', { name: /Continue to/ }).click();
        // WordPress asks its own user to sign in first, then shows the approval screen.
        await page.waitForURL(/wp-login\.php/);
        await page.locator('#user_login').fill('editor');
        await page.locator('#user_pass').fill(WP_PASSWORD);
        await page.locator('#wp-submit').click();
        await page.waitForURL(/authorize-application\.php/);
        expect(await page.textContent('body')).to.contain('Sightline');
        await page.locator('#approve').click();

        await page.waitForURL(new RegExp(`^${app.rig.url}/wordpress/sites/`));
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Sightline test site');
        expect(await page.textContent('body')).to.contain('connected as editor');
        const sites = await listSites(app.t.deps.db, app.userId);
        expect(sites.map((s) => s.site_url)).to.include(wp.url);

        await page.getByRole('button', { name: /Scan/ }).first().click();
        await page.waitForSelector('#scan-progress:has-text("Last scan")', { timeout: 30_000 });
        expect(await page.locator('#wordpress-counts dd').allTextContents()).to.deep.equal(['1', '1', '1']);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'no sideways scroll').to.be.at.most(0);
        expect(await axeViolations(page)).to.deep.equal([]);
        await page.screenshot({ path: `${SHOTS}/site-${width}.png`, fullPage: true });
      } finally {
        await context.close();
      }
    });
  }

  it('says nothing was saved when the connection is refused in WordPress', async () => {
    const context = await app.rig.browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    await logInWithForm(page, app.rig.url, email, DEFAULT_PASSWORD);
    await page.goto(`${app.rig.url}/wordpress`);
    try {
      const before = (await listSites(app.t.deps.db, app.userId)).length;
      await page.locator('#authorize-site-url').fill(wp.url);
      await page.getByRole('button', { name: 'Connect through WordPress' }).click();
      await page.getByRole('link', { name: /Continue to/ }).click();
      await page.waitForURL(/wp-login\.php/);
      await page.locator('#user_login').fill('editor');
      await page.locator('#user_pass').fill(WP_PASSWORD);
      await page.locator('#wp-submit').click();
      await page.waitForURL(/authorize-application\.php/);
      await page.locator('#reject').click();
      await page.waitForURL(new RegExp(`^${app.rig.url}/wordpress`));
      expect(await page.getByRole('alert').textContent()).to.contain('not approved');
      expect(await listSites(app.t.deps.db, app.userId)).to.have.length(before);
    } finally {
      await context.close();
    }
  });
});
