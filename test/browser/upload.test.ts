import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { signUp } from '../helpers/session';
import * as fx from '../helpers/image-fixtures';
import { BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

const THREE = [
  { name: 'dog.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') },
  { name: 'cat.png', mimeType: 'image/png', buffer: fx.fixture('cat.png') },
  { name: 'eagle.jpg', mimeType: 'image/jpeg', buffer: fx.fixture('eagle-gps.jpg') },
];

describe('uploading in a real browser', function () {
  this.timeout(90_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;
  const email = 'uploader@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fake = await startFakeOpenAI({ latencyMs: 200 });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, MAX_UPLOAD_MB: '1' });
    await signUp(t.app, { email });
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  const signedIn = (javaScriptEnabled = true) => signedInAt(rig, email, '/images/new', { javaScriptEnabled });

  it('uploads three images over XHR and shows their alt text as it arrives', async () => {
    const { context, page } = await signedIn();
    await page.setInputFiles('#images', THREE);
    expect(await page.locator('[data-file-summary]').textContent()).to.match(/^3 images chosen, [0-9.]+ [KM]B in all\.$/);
    expect(await page.locator('[data-upload-thumbs] img').count()).to.equal(3);
    const xhr = page.waitForRequest((req) => req.method() === 'POST' && req.headers().accept === 'application/json');
    await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Upload and describe' }).click()]);
    await xhr;
    expect(await page.locator('[data-image-id]').count()).to.equal(3);
    const widths = await page.locator('.image-card-media img').evaluateAll((imgs) =>
      Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => img.naturalWidth))),
    );
    expect(widths).to.deep.equal([320, 240, 400]);

    await t.deps.queue.start();
    await page.waitForFunction(() => document.querySelectorAll('[data-status="done"] textarea[name="alt_text"]').length === 3, null, { timeout: 20_000 });
    const alt = await page.locator('[data-status="done"] textarea[name="alt_text"]').first().inputValue();
    expect(alt.length).to.be.greaterThan(0);
    expect(await page.locator('.copy-button').first().isVisible()).to.equal(true);
    await context.close();
  });

  it('takes files dropped on the drop zone', async () => {
    const { context, page } = await signedIn();
    const base64 = fx.fixture('dog.jpg').toString('base64');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
      return transfer;
    }, base64);
    await page.dispatchEvent('[data-dropzone]', 'drop', { dataTransfer });
    expect(await page.locator('[data-file-summary]').textContent()).to.match(/^1 image chosen, /);
    await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: 'Upload and describe' }).click()]);
    expect(await page.locator('.image-name').textContent()).to.equal('dropped.jpg');
    await context.close();
  });

  it('adds a second pick and a drop to the selection, shows each as a thumbnail, and takes one out again', async () => {
    const { context, page } = await signedIn();
    await page.setInputFiles('#images', THREE.slice(0, 2));
    const dataTransfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped-eagle.jpg', { type: 'image/jpeg' }));
      return transfer;
    }, THREE[2]!.buffer.toString('base64'));
    await page.dispatchEvent('[data-dropzone]', 'drop', { dataTransfer });
    await page.setInputFiles('#images', THREE.slice(0, 1)); // the same file again is not added twice
    expect(await page.locator('[data-upload-thumbs] li').count()).to.equal(3);
    expect(await page.locator('[data-file-summary]').textContent()).to.match(/^3 images chosen, /);
    await page.getByRole('button', { name: 'Remove cat.png' }).click();
    expect(await page.locator('[data-upload-thumbs] .upload-thumb-name').allTextContents()).to.have.length(2);
    expect(await page.locator('[data-file-summary]').textContent()).to.match(/^2 images chosen, /);
    await page.screenshot({ path: '/tmp/shots-upload-thumbs.png', fullPage: true });
    await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: 'Upload and describe' }).click()]);
    const batchId = new URL(page.url()).pathname.split('/').pop();
    const names = await t.deps.db('images').where({ batch_id: batchId }).orderBy('original_name').pluck('original_name');
    expect(names).to.deep.equal(['dog.jpg', 'dropped-eagle.jpg']);
    await context.close();
  });

  it('says a file is too large before sending anything', async () => {
    const { context, page } = await signedIn();
    const before = await t.deps.db('images').count({ n: '*' }).first();
    await page.setInputFiles('#images', [{ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(1024 * 1024 + 1) }]);
    await page.getByRole('button', { name: 'Upload and describe' }).click();
    expect(await page.locator('[data-upload-status]').textContent()).to.equal('"huge.jpg" is larger than 1 MB.');
    expect(new URL(page.url()).pathname).to.equal('/images/new');
    expect(await t.deps.db('images').count({ n: '*' }).first()).to.deep.equal(before);
    await context.close();
  });

  it('sends the pressed button\'s name and value with the form, as the browser itself would', async () => {
    const { context, page } = await signedIn();
    // A button that keeps the options as defaults, pressed with the checkbox for that cleared.
    await page.evaluate(() => {
      const button = document.createElement('button');
      button.type = 'submit';
      button.name = 'remember';
      button.value = 'on';
      button.textContent = 'Upload and keep these options';
      document.querySelector('[data-upload-form] .actions')!.append(button);
    });
    await page.getByLabel('Keep these options as my defaults').uncheck();
    await page.getByLabel('Language').selectOption('de');
    await page.setInputFiles('#images', THREE.slice(0, 1));
    await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: 'Upload and keep these options' }).click()]);
    await page.goto(`${rig.url}/images/new`);
    expect(await page.getByLabel('Language').inputValue()).to.equal('de');
    await context.close();
  });

  it('works as a plain form without JavaScript', async () => {
    const { context, page } = await signedIn(false);
    await page.setInputFiles('#images', THREE.slice(0, 2));
    await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: 'Upload and describe' }).click()]);
    expect(await page.locator('[data-image-id]').count()).to.equal(2);
    expect(await page.getByRole('status').first().textContent()).to.contain('2 images queued for describing.');
    await context.close();
  });
});
