import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { signUp, DEFAULT_PASSWORD } from '../helpers/session';
import { addImages, seedBatch } from '../helpers/queue-fixtures';
import { openEventStream } from '../helpers/event-streams';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

describe('live batch progress in a real browser', function () {
  this.timeout(60_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;
  let page: Page;
  const problems: string[] = [];

  before(async function () {
    skipWithoutChromium(this);
    fake = await startFakeOpenAI({ latencyMs: 700 });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, QUEUE_CONCURRENCY: '1' });
    rig = await openBrowserRig(t);
    page = await (await rig.browser.newContext()).newPage();
    page.on('console', (msg) => {
      // Failed requests are caught below with their path; the browser's own favicon probe is not ours.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} ${new URL(res.url()).pathname}`);
    });
  });

  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  it('shows each description as it arrives, without a reload', async () => {
    const owner = await signUp(t.app, { email: 'live@example.test' });
    await logInWithForm(page, rig.url, 'live@example.test', DEFAULT_PASSWORD);
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    const ids = await addImages(t, owner.user.id, batchId, 3);

    await page.goto(`${rig.url}/batches/${batchId}`);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    expect(await page.locator('[data-progress-text]').textContent()).to.contain('0 of 3 described');
    expect(await page.locator('[data-reload-hint]').isHidden()).to.equal(true);

    await t.deps.queue.start();
    await page.waitForFunction(() => document.querySelector('[data-progress-text]')?.textContent?.includes('3 of 3 described'), null, { timeout: 15_000 });
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-status="done"] textarea[name="alt_text"]').length === n,
      ids.length,
      { timeout: 5_000 },
    );
    const alt = await page.locator(`[data-image-id="${ids[0]}"] textarea[name="alt_text"]`).inputValue();
    expect(alt).to.equal('Red bicycle leaning against a brick wall on a sunny street');
    expect(await page.locator('progress[data-progress-bar]').evaluate((el) => (el as HTMLProgressElement).value)).to.equal(3);
    expect(await page.locator('.cancel-batch-form').count()).to.equal(0);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).to.equal(true);
    expect(problems).to.deep.equal([]);
  });

  for (const width of [390, 1280]) {
    it(`falls back to polling when the stream is refused, and still shows progress live (${width} px)`, async () => {
      await t.deps.queue.stop(1000); // the batch must still be waiting when the page opens
      const email = `refused-${width}@example.test`;
      const owner = await signUp(t.app, { email });
      const context = await rig.browser.newContext({ viewport: { width, height: 900 } });
      const tab = await context.newPage();
      const seen: string[] = [];
      const trouble: string[] = [];
      tab.on('pageerror', (err) => trouble.push(err.message));
      tab.on('console', (msg) => {
        if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && !msg.text().includes('status of 429')) trouble.push(msg.text());
      });
      tab.on('response', (res) => {
        const { pathname } = new URL(res.url());
        if (pathname.includes('/batches/')) seen.push(`${res.status()} ${pathname.split('/').pop()}`);
      });
      await logInWithForm(tab, rig.url, email, DEFAULT_PASSWORD);
      const { batchId } = await seedBatch(t, {}, owner.user.id);
      await addImages(t, owner.user.id, batchId, 2);
      // Three other windows already follow this batch: the page's own stream is refused with 429.
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const others = await Promise.all([1, 2, 3].map(() => openEventStream(rig.url, `/batches/${batchId}/events`, cookie)));
      try {
        expect(others.map((o) => o.status)).to.deep.equal([200, 200, 200]);
        await tab.goto(`${rig.url}/batches/${batchId}`);
        await tab.waitForResponse((res) => res.url().endsWith('/progress.json'), { timeout: 10_000 });
        expect(seen).to.include('429 events');
        await t.deps.queue.start();
        await tab.waitForFunction(() => document.querySelector('[data-progress-text]')?.textContent?.includes('2 of 2 described'), null, { timeout: 20_000 });
        await tab.waitForFunction(() => document.querySelectorAll('[data-status="done"] textarea[name="alt_text"]').length === 2, null, { timeout: 5_000 });
        expect(seen.filter((s) => s.endsWith('events'))).to.deep.equal(['429 events']);
        expect(seen.filter((s) => s === '200 progress.json').length).to.be.at.least(1);
        expect(await tab.locator('.cancel-batch-form').count()).to.equal(0);
        expect(trouble).to.deep.equal([]);
      } finally {
        for (const other of others) other.close();
        await context.close();
        await t.deps.queue.stop(1000);
      }
    });
  }
});
