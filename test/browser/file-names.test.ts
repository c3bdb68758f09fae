import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';
import * as fx from '../helpers/image-fixtures';
import { BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

describe('a file named café.jpg, uploaded in a real browser', function () {
  this.timeout(90_000);
  let t: TestApp;
  let rig: BrowserRig;
  const email = 'cafe@example.test';

  before(async function () {
    skipWithoutChromium(this);
    t = await buildTestApp();
    await signUp(t.app, { email });
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`keeps its name on the page, in the CSV export and in Content-Disposition (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const { context, page } = await signedInAt(rig, email, '/images/new', { javaScriptEnabled });
      await page.setInputFiles('#images', [{ name: 'café.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }]);
      await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Upload and describe' }).click()]);
      expect(await page.locator('.image-name').textContent()).to.equal('café.jpg');

      const batchPath = new URL(page.url()).pathname;
      const csv = await page.request.get(`${rig.url}${batchPath}/export.csv`);
      expect((await csv.text()).split('\r\n')[1].split(',')[2]).to.equal('café.jpg');

      const imageId = await page.locator('[data-image-id]').getAttribute('data-image-id');
      const file = await page.request.get(`${rig.url}/images/${imageId}/file`);
      expect(file.headers()['content-disposition']).to.equal(`inline; filename="caf_.jpg"; filename*=UTF-8''caf%C3%A9.jpg`);
      await context.close();
    });
  }
});
