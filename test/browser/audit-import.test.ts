import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEFAULT_PASSWORD } from '../helpers/session';
import { parseCsv } from '../helpers/csv';
import { browserApp } from './browser-app';
import { logInWithForm } from './browser';
import { axeViolations } from './axe';
import { startImageServer } from '../helpers/image-server';
import { fixture } from '../helpers/image-fixtures';

const SITE_CSV = fs.readFileSync(path.join(__dirname, '../../../test/fixtures/audit/site-alt-text.csv'));
const SHOTS = '/tmp/shots-audit';

describe('auditing a site\'s alt text from a CSV file, in a real browser', function () {
  this.timeout(60_000);
  const email = 'auditor@example.test';
  const app = browserApp({ email });

  for (const width of [390, 1280]) {
    it(`shows what to fix, fits the screen and downloads the report, at ${width} px`, async () => {
      const context = await app.rig.browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true, acceptDownloads: true });
      try {
        const page = await context.newPage();
        await logInWithForm(page, app.rig.url, email, DEFAULT_PASSWORD);
        await page.goto(`${app.rig.url}/`);
        await page.getByRole('link', { name: 'Audit' }).click();
        await page.waitForURL(/\/audit$/);

        await page.setInputFiles('#csv', { name: 'shop.csv', mimeType: 'text/csv', buffer: SITE_CSV });
        await Promise.all([page.waitForURL(/\/audit/), page.getByRole('button', { name: 'Check the alt text' }).click()]);
        await page.locator('#audit-report').waitFor();
        expect(await page.locator('#audit-totals dd').allTextContents()).to.deep.equal(['6', '5', '1']);
        expect(await page.locator('#audit-counts tbody tr').count()).to.equal(5);
        expect(await page.locator('#audit-rows tbody tr').count()).to.equal(5);
        expect(await page.locator('#audit-rows tr[data-line="3"]').textContent()).to.contain('Starts with “image of”');
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'no sideways scroll').to.be.at.most(0);
        expect(await axeViolations(page)).to.deep.equal([]);
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/report-${width}.png`, fullPage: true });

        await page.setInputFiles('#csv', { name: 'shop.csv', mimeType: 'text/csv', buffer: SITE_CSV });
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the report as CSV' }).click()]);
        expect(download.suggestedFilename()).to.match(/^alt-text-audit-\d{4}-\d\d-\d\d\.csv$/);
        const rows = parseCsv(fs.readFileSync(await download.path()).toString('utf8'));
        expect(rows.slice(1).map((row) => row[0])).to.deep.equal(['2', '3', '4', '6', '7']);
      } finally {
        await context.close();
      }
    });
  }

  it('says on the form when the file has no image or alt column', async () => {
    const context = await app.rig.browser.newContext({ viewport: { width: 390, height: 900 } });
    try {
      const page = await context.newPage();
      await logInWithForm(page, app.rig.url, email, DEFAULT_PASSWORD);
      await page.goto(`${app.rig.url}/audit`);
      await page.setInputFiles('#csv', { name: 'wrong.csv', mimeType: 'text/csv', buffer: Buffer.from('picture,words\na.jpg,A cat\n') });
      await Promise.all([page.waitForURL(/\/audit/), page.getByRole('button', { name: 'Check the alt text' }).click()]);
      expect(await page.getByRole('alert').textContent()).to.contain('The first row must name the columns');
      expect(await page.locator('#audit-form').isVisible()).to.equal(true);
    } finally {
      await context.close();
    }
  });

});

describe('describing the images an audit found wanting, in a real browser', function () {
  this.timeout(60_000);
  const email = 'fixer@example.test';
  const env: Record<string, string> = {};
  let site: Awaited<ReturnType<typeof startImageServer>>;
  // Before the app is built, so it may fetch from this loopback "site".
  before(async () => {
    site = await startImageServer({ '/img/IMG_2041.jpg': fixture('dog.jpg'), '/img/sofa.jpg': fixture('dog.jpg') });
    env.ALLOWED_INTERNAL_HOSTS = `127.0.0.1:${site.port}`;
  });
  after(async () => site?.close());
  const app = browserApp({ email, env });

  for (const width of [390, 1280]) {
    it(`sends them to a new batch in one click and shows it, at ${width} px`, async () => {
      const context = await app.rig.browser.newContext({ viewport: { width, height: 900 } });
      try {
        const page = await context.newPage();
        await logInWithForm(page, app.rig.url, email, DEFAULT_PASSWORD);
        await page.goto(`${app.rig.url}/audit`);
        const csv = `image,alt\n${site.url('/img/IMG_2041.jpg')},IMG_2041\n${site.url('/img/sofa.jpg')},Image of a sofa\n`;
        await page.setInputFiles('#csv', { name: 'site.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await Promise.all([page.waitForURL(/\/audit/), page.getByRole('button', { name: 'Check the alt text' }).click()]);
        await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: 'Describe these 2 images again' }).click()]);
        expect(await page.getByRole('status').first().textContent()).to.contain('2 images are being described.');
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'no sideways scroll').to.be.at.most(0);
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/described-${width}.png` });
        const batchId = /\/batches\/([^/?#]+)/.exec(page.url())?.[1];
        expect(await app.t.deps.db('images').where({ batch_id: batchId, user_id: app.userId }).count({ n: '*' }).first()).to.deep.equal({ n: 2 });
      } finally {
        await context.close();
      }
    });
  }
});
