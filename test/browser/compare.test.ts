import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { startFakeOpenAI, defaultAnswer, type FakeOpenAI } from '../helpers/fake-openai';
import { signUp } from '../helpers/session';
import { seedReviewBatch } from '../helpers/review-seed';
import { axeViolations } from './axe';
import { type BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-compare';

async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

describe('comparing describers side by side, with a blind vote, in a real browser', function () {
  this.timeout(120_000);
  let fast: FakeOpenAI;
  let slow: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;
  let batchId: string;
  const email = 'compare-admin@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    fast = await startFakeOpenAI({ latencyMs: 20, usage: { prompt_tokens: 1000, completion_tokens: 200 } });
    slow = await startFakeOpenAI({ latencyMs: 300, usage: { prompt_tokens: 400, completion_tokens: 50 } });
    fast.answer = (req) => ({ ...defaultAnswer(req), alt_text: 'Fast server text: a brown dog on a lawn' });
    slow.answer = (req) => ({ ...defaultAnswer(req), alt_text: 'Slow server text: dog' });
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: '127.0.0.1' });
    const admin = await signUp(t.app, { email });
    batchId = (await seedReviewBatch(t.deps, admin.user.id, 2, 'Comparison sample')).batchId;
    await t.deps.queue.start();
    rig = await openBrowserRig(t);
  });
  after(async () => {
    await rig?.close();
    await t?.close();
    await fast?.close();
    await slow?.close();
  });

  it('adds two model servers through the describers page, without showing a key again', async () => {
    const { context, page } = await signedInAt(rig, email, '/admin/describers', { width: 390 });
    for (const [name, server, price] of [['Fast box', fast, '2.5'], ['Slow box', slow, '0.5']] as const) {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Base URL').fill(server.baseUrl);
      await page.getByLabel('Model').fill(`${name.split(' ')[0]!.toLowerCase()}-model`);
      await page.getByLabel('API key (optional)').fill(`sk-${name.replace(' ', '-')}-secret`);
      await page.getByLabel('Price per 1M input tokens').fill(price);
      await page.getByLabel('Price per 1M output tokens').fill('10');
      await Promise.all([page.waitForURL(/\/admin\/describers$/), page.getByRole('button', { name: 'Add describer' }).click()]);
    }
    expect(await page.content()).to.include('Slow box').and.not.include('secret');
    await page.screenshot({ path: `${SHOTS}/describers-390.png`, fullPage: true });
    await context.close();
  });

  for (const width of [390, 1280]) {
    it(`shows the results side by side as A and B, takes a vote per image, then names the preferred describer, at ${width} px`, async () => {
      const { context, page } = await signedInAt(rig, email, '/admin/comparisons', { width, bypassCSP: true });
      await page.screenshot({ path: `${SHOTS}/comparisons-new-${width}.png`, fullPage: true });
      await page.getByLabel('Fast box (fast-model)').check();
      await page.getByLabel('Slow box (slow-model)').check();
      await page.getByLabel('Images from the batch').selectOption(batchId);
      await page.getByLabel('How many of its first images').fill('2');
      await Promise.all([page.waitForURL(/\/comparisons\/cmp_/), page.getByRole('button', { name: 'Start the comparison' }).click()]);
      const deadline = Date.now() + 20_000;
      while ((await page.locator('.comparison-text').count()) < 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await page.reload();
      }
      expect(await page.locator('.comparison-text').count()).to.equal(4);
      const blind = await page.locator('main').innerText();
      expect(blind).not.to.include('Fast box');
      expect(blind).not.to.include('Slow box');
      expect(await axeViolations(page)).to.deep.equal([]);
      expect(await fitsWidth(page), 'no sideways scroll').to.equal(true);
      await page.screenshot({ path: `${SHOTS}/comparison-blind-${width}.png`, fullPage: true });

      for (let n = 0; n < 2; n++) {
        const cell = page.locator('.comparison-image').nth(n).locator('.comparison-cell', { hasText: 'Fast server text' });
        await Promise.all([page.waitForLoadState('load'), cell.getByRole('button').click()]);
        await page.locator('.comparison-image').nth(n).locator('.comparison-chosen', { hasText: 'Fast server text' }).waitFor();
      }
      const totals = page.locator('table', { has: page.getByText('Fast box (fast-model)') });
      expect(await totals.locator('tr', { hasText: 'Fast box' }).innerText()).to.include('2 of 2 votes');
      expect(await totals.locator('tr', { hasText: 'Slow box' }).innerText()).to.include('0 of 2 votes');
      expect(await page.getByRole('heading', { name: /Result [AB]: Fast box/ }).count()).to.equal(2);
      expect(await axeViolations(page)).to.deep.equal([]);
      expect(await fitsWidth(page), 'no sideways scroll').to.equal(true);
      await page.screenshot({ path: `${SHOTS}/comparison-revealed-${width}.png`, fullPage: true });
      await context.close();
    });
  }
});
