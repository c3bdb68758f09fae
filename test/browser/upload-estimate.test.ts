import fs from 'node:fs';
import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';
import { seedReviewBatch } from '../helpers/review-seed';
import * as fx from '../helpers/image-fixtures';
import { insertComparison, storeComparisonResult } from '../../server/db/comparisons';
import { axeViolations } from './axe';
import { type BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-compare';

describe('the upload page\'s estimate for the chosen files, in a real browser', function () {
  this.timeout(90_000);
  let t: TestApp;
  let rig: BrowserRig;
  const email = 'estimate@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await buildTestApp();
    const admin = await signUp(t.app, { email });
    // Two finished results of the embedded describer (the one in use): 3 s an image on average.
    const { imageIds } = await seedReviewBatch(t.deps, admin.user.id, 2);
    const local = { key: 'local', name: 'Embedded (offline)', model: 'local', priceInputPerM: 0, priceOutputPerM: 0 };
    await t.deps.db.transaction((trx) => insertComparison(trx, { id: 'cmp_measured', user_id: admin.user.id, created_by: admin.user.id, batch_id: null, describers: [local], created_at: 1 }, imageIds));
    await t.deps.db('jobs').where({ kind: 'compare' }).update({ status: 'done' });
    for (const [i, imageId] of imageIds.entries()) {
      await t.deps.db.transaction((trx) => storeComparisonResult(trx, { comparisonId: 'cmp_measured', imageId, describerKey: 'local', userId: admin.user.id },
        { status: 'done', alt_text: 'A dog', description: '', duration_ms: 2000 + 2000 * i, input_tokens: null, output_tokens: null, cost: 0 }, 2));
    }
    rig = await openBrowserRig(t);
  });
  after(async () => {
    await rig?.close();
    await t?.close();
  });

  for (const width of [390, 1280]) {
    it(`says the measured figures, then the total for the files chosen, at ${width} px`, async () => {
      const { context, page } = await signedInAt(rig, email, '/images/new', { width, bypassCSP: true });
      const estimate = page.locator('[data-estimate]');
      expect(await estimate.innerText()).to.include('about 3.0 s and a cost of 0.000000 per image, measured on 2 images');
      const files = [1, 2, 3, 4, 5].map((n) => ({ name: `dog-${n}.jpg`, mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }));
      await page.setInputFiles('#images', files);
      const rounds = Math.ceil(5 / t.config.queueConcurrency);
      await page.locator('[data-estimate-total]', { hasText: `For the 5 chosen files: about ${rounds * 3} s and a cost of 0.0000.` }).waitFor({ timeout: 5_000 });
      expect(await axeViolations(page)).to.deep.equal([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).to.equal(true);
      await page.screenshot({ path: `${SHOTS}/upload-estimate-${width}.png`, fullPage: true });
      await context.close();
    });
  }
});
