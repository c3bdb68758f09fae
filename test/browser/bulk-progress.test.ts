import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { seedReviewBatch } from '../helpers/review-seed';
import { signedInAt } from './browser';
import { browserApp } from './browser-app';
import { axeViolations } from './axe';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-bulk';

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('a long bulk action shows its progress and can be stopped, in a real browser', function () {
  this.timeout(120_000);
  const email = 'long-bulk@example.test';
  const app = browserApp({ email });
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const width of [390, 1280]) {
    it(`deletes 120 images in pieces, stops after the piece in flight, then describes the rest again, at ${width} px`, async () => {
      const { batchId, imageIds } = await seedReviewBatch(app.t.deps, app.userId, 120, `Long ${width}`);
      const { context, page } = await signedInAt(app.rig, email, `/batches/${batchId}`, { width, bypassCSP: true });

      // The second piece is held on its way to the server until "Stop" has been pressed.
      let pieces = 0;
      let release!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      await page.route('**/images/bulk', async (route) => {
        if (route.request().headers().accept === 'application/json' && ++pieces === 2) await held;
        await route.continue();
      });

      await page.getByLabel('All 120 images in this view, not only the ticked ones').check();
      await Promise.all([page.waitForURL(`${app.rig.url}/images/bulk`), page.getByRole('button', { name: 'Delete…' }).click()]);
      await page.getByRole('button', { name: 'Delete 120 images' }).click();
      const status = page.locator('[data-bulk-status]');
      await page.waitForFunction(() => document.querySelector('[data-bulk-status]')?.textContent === 'Deleted 50 of 120 images…');
      expect(await page.locator('progress').evaluate((p: HTMLProgressElement) => [p.value, p.max])).to.deep.equal([50, 120]);
      expect(await fitsWidth(page)).to.equal(true);
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.screenshot({ path: `${SHOTS}/bulk-progress-${width}.png`, fullPage: true });

      await page.getByRole('button', { name: 'Stop' }).click();
      release();
      await page.waitForFunction(() => document.querySelector('[data-bulk-status]')?.textContent?.startsWith('Stopped'));
      expect(await status.textContent()).to.equal('Stopped: deleted 100 of 120 images; the other 20 were left as they were.');
      expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('Back to the images');
      await page.screenshot({ path: `${SHOTS}/bulk-stopped-${width}.png`, fullPage: true });
      const left = await app.t.deps.db('images').whereIn('id', imageIds).orderBy('id').pluck('id');
      expect(left).to.have.length(20);
      expect(pieces).to.equal(2);

      // Describing the 20 left and 40 more again: two pieces, carried to the end.
      const more = await seedReviewBatch(app.t.deps, app.userId, 40, `More ${width}`);
      await app.t.deps.db('images').whereIn('id', more.imageIds).update({ batch_id: batchId });
      await page.unroute('**/images/bulk');
      await page.goto(`${app.rig.url}/batches/${batchId}`);
      await page.getByLabel('All 60 images in this view, not only the ticked ones').check();
      await Promise.all([page.waitForURL(`${app.rig.url}/images/bulk`), page.getByRole('button', { name: 'Describe again…' }).click()]);
      await page.getByLabel('Instructions').fill('Name the street');
      await page.getByRole('button', { name: 'Describe 60 images again' }).click();
      await page.waitForFunction(() => document.querySelector('[data-bulk-status]')?.textContent === 'Queued 60 of 60 images.');
      const queued = await app.t.deps.db('jobs').whereIn('image_id', [...left, ...more.imageIds]).where({ status: 'queued' }).select('payload_json');
      expect(queued).to.have.length(60);
      await page.getByRole('link', { name: 'Back to the images' }).click();
      await page.waitForURL(new RegExp(`/batches/${batchId}`));
      await context.close();
    });
  }
});
