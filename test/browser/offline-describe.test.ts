import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { FIXTURES } from '../helpers/signal-fixtures';
import { waitFor } from '../helpers/queue-fixtures';
import { BrowserRig, openBrowserRig, skipWithoutChromium } from './browser';

describe('a fresh install describes an upload with no configuration', function () {
  // The offline models load on the first image: seconds when idle, minutes on a 2-core box running other suites.
  this.timeout(300_000);
  let t: TestApp;
  let rig: BrowserRig;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    // No DESCRIBER, no key, no base URL: the defaults.
    t = await buildTestApp();
    await t.deps.queue.start();
    rig = await openBrowserRig(t);
    page = await (await rig.browser.newContext()).newPage();
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  it('uses the offline describer by default and says images stay on this server', async () => {
    expect(t.deps.describer.name).to.equal('local');
    await page.goto(`${rig.url}/signup`);
    await page.getByLabel('Your name').fill('Ines');
    await page.getByLabel('Email address').fill('ines@example.test');
    await page.getByLabel('Password').fill('harbour violet compass');
    // The first account is the admin, signed in as soon as it is made.
    await Promise.all([page.waitForURL(`${rig.url}/`), page.getByRole('button', { name: 'Create the admin account' }).click()]);
    await page.goto(`${rig.url}/images/new`);
    expect(await page.locator('main').textContent()).to.contain('Images are described on this server');
  });

  it('shows a draft alt text for an uploaded photo, marked as a draft with a pointer to richer describers', async () => {
    await page.getByLabel('Choose images').setInputFiles(path.join(FIXTURES, 'images', 'animals-horses.jpg'));
    await Promise.all([page.waitForURL(/\/batches\//), page.getByRole('button', { name: 'Upload and describe' }).click()]);
    const image = await waitFor(() => t.deps.db('images').whereIn('status', ['done', 'failed']).first('status', 'error'), 280_000, 'the description');
    expect(image).to.deep.equal({ status: 'done', error: null });
    // A person without live updates reloads the page to see it.
    await page.reload();
    expect(await page.getByLabel('Alt text', { exact: true }).inputValue()).to.match(/horses/);
    const notice = page.locator('[data-draft-notice]');
    expect(await notice.textContent()).to.match(/draft from the offline describer/);
    expect(await notice.textContent()).to.match(/OpenAI-compatible server, for example a local Ollama vision model/);
  });
});
