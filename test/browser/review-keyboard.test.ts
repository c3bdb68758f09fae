import fs from 'node:fs';
import { expect } from 'chai';
import { seedReviewBatch } from '../helpers/review-seed';
import { signedInAt } from './browser';
import { browserApp } from './browser-app';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-review';

/** A reviewer goes through a 200-image batch with the keyboard alone. */
describe('reviewing a 200-image batch by keyboard, in a real browser', function () {
  this.timeout(180_000);
  let batchId: string;
  let imageIds: string[];
  const email = 'reviewer@example.test';
  const app = browserApp({ email });
  before(async () => {
    ({ batchId, imageIds } = await seedReviewBatch(app.t.deps, app.userId, 200, 'Two hundred'));
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  const reviewedIds = async () => (await app.t.deps.db('images').whereIn('id', imageIds).whereNotNull('reviewed_at').pluck('id')).sort();

  for (const width of [1280, 390]) {
    it(`approves 10, edits 3 and bulk-marks the rest, without the mouse, at ${width} px`, async () => {
      await app.t.deps.db('images').whereIn('id', imageIds).update({ reviewed_at: null });
      const { context, page } = await signedInAt(app.rig, email, `/batches/${batchId}?view=table`, { width });
      const focusedRow = () => page.evaluate(() => document.activeElement?.closest('[data-review-row]')?.getAttribute('data-image-id') ?? null);

      // Approve the first ten: a, then j to the next image.
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      expect(await focusedRow()).to.equal(imageIds[0]);
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('a');
        await page.locator(`#row-${imageIds[i]} [data-reviewed-button][aria-pressed="true"]`).waitFor();
        await page.keyboard.press('j');
      }
      expect(await reviewedIds()).to.deep.equal(imageIds.slice(0, 10).sort());

      // Edit the next three: e, type, Ctrl+Enter; focus comes back to the same image.
      for (let i = 10; i < 13; i++) {
        expect(await focusedRow()).to.equal(imageIds[i]);
        await page.keyboard.press('e');
        await page.keyboard.press('Control+a');
        await page.keyboard.type(`A corrected alt text ${i} at ${width}`);
        await page.keyboard.press('Control+Enter');
        await page.locator(`#row-${imageIds[i]} [data-alt-saved]`).filter({ hasText: 'Saved.' }).waitFor();
        expect(await focusedRow()).to.equal(imageIds[i]);
        await page.keyboard.press('j');
      }
      const edited = await app.t.deps.db('descriptions').whereIn('image_id', imageIds.slice(10, 13)).orderBy('image_id').select('image_id', 'alt_text', 'caption');
      expect(Object.fromEntries(edited.map((r) => [r.image_id, r.alt_text]))).to.deep.equal(Object.fromEntries(imageIds.slice(10, 13).map((id, n) => [id, `A corrected alt text ${n + 10} at ${width}`])));
      expect(edited.every((r) => r.caption === 'Young eagle')).to.equal(true); // the other fields stay
      await page.screenshot({ path: `${SHOTS}/review-table-${width}.png` });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);

      // r: describe the focused image again, on its own page, with the keyboard already in the form.
      await Promise.all([page.waitForURL(/\/images\/[^/]+\?again=1$/), page.keyboard.press('r')]);
      expect(new URL(page.url()).pathname).to.equal(`/images/${imageIds[13]}`);
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-open-again]')))).to.equal(true);
      await page.keyboard.type('Name the breed');
      await page.keyboard.press('Tab');
      const onButton = () => page.evaluate(() => document.activeElement?.tagName === 'BUTTON' && Boolean(document.activeElement.textContent?.includes('Describe again')));
      for (let presses = 0; presses < 20 && !(await onButton()); presses++) await page.keyboard.press('Tab');
      expect(await onButton()).to.equal(true);
      await Promise.all([page.waitForURL(/\/batches\//), page.keyboard.press('Enter')]);
      const job = await app.t.deps.db('jobs').where({ image_id: imageIds[13], status: 'queued' }).first();
      expect(JSON.parse(job.payload_json).options.instructions).to.equal('Name the breed');
      await app.t.deps.db('jobs').where({ image_id: imageIds[13] }).update({ status: 'done' });
      await app.t.deps.db('images').where({ id: imageIds[13] }).update({ status: 'done' });

      // The rest: show only what is not reviewed, then s (select the page) and m (mark reviewed), page after page.
      await page.goto(`${app.rig.url}/batches/${batchId}?view=table&reviewed=no`);
      for (let round = 0; round < 10 && (await page.locator('[data-review-row]').count()) > 0; round++) {
        await page.keyboard.press('s');
        await Promise.all([page.waitForEvent('load'), page.keyboard.press('m')]);
        expect(new URL(page.url()).search).to.equal('?reviewed=no&view=table');
      }
      expect(await page.locator('[data-review-row]').count()).to.equal(0);
      expect(await reviewedIds()).to.deep.equal([...imageIds].sort());
      await context.close();
    });
  }

  it('edits alt text in place in the library\'s table, by keyboard, at 390 px', async () => {
    const { context, page } = await signedInAt(app.rig, email, '/images?view=table', { width: 390, bypassCSP: true });
    const first = await page.locator('[data-review-row]').first().getAttribute('data-image-id');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-review-row]')?.getAttribute('data-image-id'))).to.equal(first);
    await page.keyboard.press('e');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Edited from the library');
    await page.keyboard.press('Control+Enter');
    await page.locator(`#row-${first} [data-alt-saved]`).filter({ hasText: 'Saved.' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('[data-review-row]')?.getAttribute('data-image-id'))).to.equal(first);
    expect((await app.t.deps.db('descriptions').where({ image_id: first }).first('alt_text')).alt_text).to.equal('Edited from the library');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
    await page.screenshot({ path: `${SHOTS}/library-table-390.png` });
    // The pages link on in the same view.
    expect(await page.locator('nav.pagination a[rel="next"]').getAttribute('href')).to.include('view=table');
    await context.close();
  });
});
