import fs from 'node:fs';
import { expect } from 'chai';
import { describedBefore } from '../helpers/described-file';
import { signedInAt } from './browser';
import { browserApp } from './browser-app';
import { axeViolations } from './axe';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-files';

describe('the descriptions a file already carried, on its image page in a real browser', function () {
  this.timeout(90_000);
  const email = 'found@example.test';
  const app = browserApp({ email, modelServer: { latencyMs: 20 } });
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const width of [390, 1280]) {
    it(`lists the alt text, title, caption and keywords found in an uploaded file, at ${width} px`, async () => {
      const { context, page } = await signedInAt(app.rig, email, '/images/new', { width, bypassCSP: true });
      await page.setInputFiles('#images', [{ name: 'dog.jpg', mimeType: 'image/jpeg', buffer: describedBefore() }]);
      await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Upload and describe' }).click()]);
      const imageId = await page.locator('[data-image-id]').first().getAttribute('data-image-id');
      await page.goto(`${app.rig.url}/images/${imageId}`);
      const found = page.locator('[data-found-in-file]');
      expect(await found.getByRole('heading').textContent()).to.equal('Found in the file when it was uploaded');
      expect(await found.locator('dt').allTextContents()).to.deep.equal(['Alt text', 'Title', 'Caption', 'Keywords']);
      expect(await found.locator('dd').first().textContent()).to.equal('A dog <b>asleep</b> & dreaming');
      expect(await axeViolations(page)).to.deep.equal([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await found.screenshot({ path: `${SHOTS}/found-in-file-${width}.png` });
      await page.screenshot({ path: `${SHOTS}/image-page-${width}.png`, fullPage: true });
      await context.close();
    });
  }
});
