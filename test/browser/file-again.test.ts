import fs from 'node:fs';
import { expect } from 'chai';
import * as fx from '../helpers/image-fixtures';
import { expireImageBlobs } from '../../server/services/retention/expire-blobs';
import { signedInAt } from './browser';
import { browserApp } from './browser-app';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-file-again';

describe('describing again once the stored copy is gone, in a real browser', function () {
  this.timeout(90_000);
  const email = 'again@example.test';
  const app = browserApp({ email, env: { IMAGE_RETENTION: '0' } });
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const width of [390, 1280]) {
    it(`says why the image is gone and takes the same file back, at ${width} px`, async () => {
      const { context, page } = await signedInAt(app.rig, email, '/images/new', { width });
      await page.setInputFiles('#images', [{ name: `dog-${width}.jpg`, mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }]);
      await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: 'Upload and describe' }).click()]);
      const image = await app.t.deps.db('images').where({ original_name: `dog-${width}.jpg` }).first();
      await app.t.deps.db('jobs').where({ image_id: image.id }).update({ status: 'done' });
      await app.t.deps.db('images').where({ id: image.id }).update({ status: 'done', processed_at: app.t.clock.now().getTime() });
      await expireImageBlobs(app.t.deps);

      await page.goto(`${app.rig.url}/images/${image.id}`);
      expect(await page.locator('[data-receipt]').textContent()).to.match(/deleted immediately after processing/);
      await page.getByText('Describe again with the file').click();
      await page.getByLabel('Image file').setInputFiles([{ name: 'dog.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }]);
      await page.screenshot({ path: `${SHOTS}/file-again-${width}.png`, fullPage: true });
      await Promise.all([page.waitForURL(`${app.rig.url}/images/${image.id}`), page.getByRole('button', { name: 'Describe again with this file' }).click()]);
      expect(await page.locator('main').textContent()).to.include('The image is stored again and queued to be described.');
      expect((await app.t.deps.db('images').where({ id: image.id }).first()).blob_key).to.be.a('string');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await context.close();
    });
  }
});
