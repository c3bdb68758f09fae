import fs from 'node:fs';
import { expect } from 'chai';
import * as fx from '../helpers/image-fixtures';
import { createPattern } from '../../server/patterns';
import { signedInAt } from './browser';
import { browserApp } from './browser-app';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-upload-options';
const schema = '{"type":"object","additionalProperties":false,"required":["colour"],"properties":{"colour":{"type":"string"}}}';

/** The upload form with the offline describer, JavaScript on, at a phone's width and a desktop's. */
describe('choosing a pattern and seeing what the describer ignores, in a real browser', function () {
  this.timeout(90_000);
  const email = 'patterns@example.test';
  const app = browserApp({ email });
  before(async () => {
    await createPattern(app.t.deps, app.userId, { name: 'Main colour', instructions: 'The main colour', schema });
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  for (const width of [390, 1280]) {
    it(`uploads with a pattern over the script and shows the choice on the batch page at ${width} px`, async () => {
      const { context, page } = await signedInAt(app.rig, email, '/images/new', { width });
      // Marked before anything is uploaded, next to the options themselves.
      expect(await page.locator('#language-ignored').textContent()).to.match(/writes English only/);
      expect(await page.locator('#instructions').getAttribute('aria-describedby')).to.equal('instructions-ignored');
      await page.getByLabel('Pattern').selectOption({ label: 'Main colour' });
      await page.getByLabel('Language').selectOption('de');
      await page.setInputFiles('#images', [{ name: 'dog.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }]);
      await page.screenshot({ path: `${SHOTS}/upload-options-form-${width}.png`, fullPage: true });
      const xhr = page.waitForRequest((req) => req.method() === 'POST' && req.headers().accept === 'application/json');
      await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Upload and describe' }).click()]);
      await xhr;
      expect(await page.locator('main').textContent()).to.include('pattern “Main colour”');
      expect(await page.locator('[data-ignored-options]').textContent()).to.equal('The offline describer on this server writes English only and writes in one plain style.');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.screenshot({ path: `${SHOTS}/upload-options-batch-${width}.png` });
      const batchId = new URL(page.url()).pathname.split('/').pop();
      const batch = await app.t.deps.db('batches').where({ id: batchId }).first();
      expect(JSON.parse(batch.options_json)).to.deep.include({ language: 'de' });
      expect(JSON.parse(batch.options_json).pattern.name).to.equal('Main colour');
      await context.close();
    });
  }
});
