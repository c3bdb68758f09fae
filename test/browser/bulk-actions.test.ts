import fs from 'node:fs';
import { expect } from 'chai';
import { seedReviewBatch } from '../helpers/review-seed';
import { signedInAt } from './browser';
import { browserApp } from './browser-app';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-bulk';

describe('bulk actions on a batch page, in a real browser', function () {
  this.timeout(90_000);
  const email = 'bulk@example.test';
  const app = browserApp({ email });
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const width of [390, 1280]) {
    it(`ticks images, selects the page, marks them reviewed and deletes one after asking, at ${width} px`, async () => {
      const { batchId, imageIds } = await seedReviewBatch(app.t.deps, app.userId, 6, `Bulk ${width}`);
      const { context, page } = await signedInAt(app.rig, email, `/batches/${batchId}?view=table`, { width });
      // The table shows small thumbnails, not the working copies scaled down by the browser
      // (each is brought into view: they load lazily).
      for (const img of await page.locator('img[src*="/file"]').all()) await img.scrollIntoViewIfNeeded();
      await page.waitForFunction(() => Array.from(document.images).filter((i) => i.src.includes('/file')).every((i) => i.complete && i.naturalWidth > 0));
      const sizes = await page.evaluate(() => Array.from(document.images).filter((i) => i.src.includes('/file')).map((i) => Math.max(i.naturalWidth, i.naturalHeight)));
      expect(sizes).to.have.length(6);
      for (const side of sizes) expect(side).to.be.at.most(192);
      await page.goto(`${app.rig.url}/batches/${batchId}`);
      const count = page.locator('[data-bulk-count]');
      expect(await page.getByRole('button', { name: 'Mark reviewed' }).isDisabled()).to.equal(true);

      // "Every image in this view" enables the actions with nothing ticked.
      await page.getByLabel('All 6 images in this view, not only the ticked ones').check();
      expect(await count.textContent()).to.equal('Every image in this view (6) is selected.');
      expect(await page.getByRole('button', { name: 'Mark reviewed' }).isDisabled()).to.equal(false);
      await page.getByLabel('All 6 images in this view, not only the ticked ones').uncheck();
      expect(await count.textContent()).to.equal('Tick images to act on several at once.');

      await page.getByLabel('Select photo-001.jpg').check();
      await page.getByLabel('Select photo-002.jpg').check();
      expect(await count.textContent()).to.equal('2 images selected.');
      await page.getByRole('button', { name: 'Select all on this page' }).click();
      expect(await count.textContent()).to.equal('6 images selected.');
      await page.getByLabel('Select photo-006.jpg').uncheck();
      expect(await count.textContent()).to.equal('5 images selected.');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.screenshot({ path: `${SHOTS}/bulk-selected-${width}.png` });

      await Promise.all([page.waitForURL(`${app.rig.url}/batches/${batchId}`), page.getByRole('button', { name: 'Mark reviewed' }).click()]);
      expect(await page.locator('main').textContent()).to.include('Marked 5 images reviewed.');
      const marked = await app.t.deps.db('images').whereIn('id', imageIds).whereNotNull('reviewed_at').pluck('id');
      expect(marked.sort()).to.deep.equal(imageIds.slice(0, 5).sort());

      await page.getByLabel('Select photo-006.jpg').check();
      await Promise.all([page.waitForURL(`${app.rig.url}/images/bulk`), page.getByRole('button', { name: 'Delete…' }).click()]);
      expect(await page.locator('h1').textContent()).to.equal('Delete 1 image?');
      await page.screenshot({ path: `${SHOTS}/bulk-confirm-delete-${width}.png` });
      await Promise.all([page.waitForURL(`${app.rig.url}/batches/${batchId}`), page.getByRole('button', { name: 'Delete 1 image' }).click()]);
      expect(await page.locator('main').textContent()).to.include('Deleted 1 image with its text.');
      expect(await app.t.deps.db('images').whereIn('id', imageIds)).to.have.length(5);
      await context.close();
    });
  }
});
