import fs from 'node:fs';
import { axeViolations } from './axe';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';
import { PAGES, PageUnderTest } from './pages';

/** A phone and a laptop: every page must fit both without scrolling sideways. */
const WIDTHS = [390, 1280] as const;

/**
 * Where a screenshot of every page at each width is saved for a person to review: SIGHTLINE_SCREENSHOTS,
 * or a fresh directory under the system's temporary one (its path is printed).
 */
function screenshotDirectory(): string {
  const dir = process.env.SIGHTLINE_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-pages-'));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const fileName = (name: string, width: number) => `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}-${width}.png`;

/** The elements that stick out past the right edge of the window, to name in a failure. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const names: string[] = [];
    document.querySelectorAll('body *').forEach((el) => {
      if (el.getBoundingClientRect().right > limit + 0.5 && names.length < 5) {
        names.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`);
      }
    });
    return names;
  });
}

describe('every page in a real browser', function () {
  this.timeout(120_000);
  let t: TestApp;
  let rig: BrowserRig;
  const accounts = { admin: { email: 'admin@example.test', id: 0 }, user: { email: 'user@example.test', id: 0 } };
  // axe injects its script, which the strict CSP forbids: one context bypasses CSP for axe,
  // the other keeps it to prove the page itself needs no inline code.
  // A third runs axe with the system set to dark, for the dark theme's contrast.
  const contexts: Record<'axe' | 'csp' | 'dark', Record<PageUnderTest['as'], BrowserContext | undefined>> = {
    axe: { visitor: undefined, user: undefined, admin: undefined },
    csp: { visitor: undefined, user: undefined, admin: undefined },
    dark: { visitor: undefined, user: undefined, admin: undefined },
  };
  let shots = '';

  before(async function () {
    skipWithoutChromium(this);
    t = await buildTestApp();
    accounts.admin.id = (await signUp(t.app, { email: accounts.admin.email })).user.id;
    accounts.user.id = (await signUp(t.app, { email: accounts.user.email })).user.id;
    rig = await openBrowserRig(t);
    shots = screenshotDirectory();
    console.log(`    screenshots of every page: ${shots}`);
    for (const kind of ['axe', 'csp', 'dark'] as const) {
      for (const as of ['visitor', 'user', 'admin'] as const) {
        const context = await rig.browser.newContext({ bypassCSP: kind !== 'csp', colorScheme: kind === 'dark' ? 'dark' : 'light' });
        if (as !== 'visitor') await logInWithForm(await context.newPage(), rig.url, accounts[as].email, DEFAULT_PASSWORD);
        contexts[kind][as] = context;
      }
    }
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  async function open(kind: 'axe' | 'csp' | 'dark', entry: PageUnderTest, width = 1280): Promise<{ page: Page; status: number; problems: string[] }> {
    const page = await contexts[kind][entry.as]!.newPage();
    await page.setViewportSize({ width, height: 800 });
    const problems: string[] = [];
    // CSP refusals and script errors, and any stylesheet, script or image that fails to load.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('response', (res) => {
      if (res.request().resourceType() !== 'document' && res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
    });
    page.on('requestfailed', (req) => problems.push(`failed ${req.url()}`));
    const path = typeof entry.path === 'string' ? entry.path : await entry.path({ deps: t.deps, adminId: accounts.admin.id, userId: accounts.user.id });
    const response = await page.goto(`${rig.url}${path}`);
    return { page, status: response?.status() ?? 0, problems };
  }

  for (const entry of PAGES) {
    for (const width of WIDTHS) {
      it(`${entry.name}, ${width} px wide: no sideways scroll and no axe-core violations`, async () => {
        const { page, status } = await open('axe', entry, width);
        expect(status).to.equal(entry.status ?? 200);
        await page.screenshot({ path: path.join(shots, fileName(entry.name, width)), fullPage: true });
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        expect(scrollWidth, `${entry.name} is ${scrollWidth} px wide in a ${innerWidth} px window; past the edge: ${(await overflowing(page)).join(', ')}`).to.be.at.most(innerWidth);
        const violations = await axeViolations(page);
        const summary = violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(summary, `axe violations on ${entry.name}`).to.deep.equal([]);
        await page.close();
      });
    }

    it(`${entry.name}, dark colour scheme, 390 px wide: no axe-core violations`, async () => {
      const { page, status } = await open('dark', entry, 390);
      expect(status).to.equal(entry.status ?? 200);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).to.equal('rgb(18, 20, 23)');
      await page.screenshot({ path: path.join(shots, fileName(`${entry.name} dark`, 390)), fullPage: true });
      const violations = await axeViolations(page);
      const summary = violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(summary, `axe violations on ${entry.name} in the dark theme`).to.deep.equal([]);
      await page.close();
    });

    it(`${entry.name}: fits every width from 360 to 1,920 px`, async () => {
      const { page, status } = await open('csp', entry, 360);
      expect(status).to.equal(entry.status ?? 200);
      for (const width of [360, 1920]) {
        await page.setViewportSize({ width, height: 800 });
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        expect(scrollWidth, `${entry.name} is ${scrollWidth} px wide in a ${innerWidth} px window; past the edge: ${(await overflowing(page)).join(', ')}`).to.be.at.most(innerWidth);
        await page.screenshot({ path: path.join(shots, fileName(entry.name, width)) });
      }
      await page.close();
    });

    it(`${entry.name}: loads under the strict CSP with no errors`, async () => {
      const { page, status, problems } = await open('csp', entry);
      expect(status).to.equal(entry.status ?? 200);
      await page.waitForLoadState('load');
      expect(problems, `console errors on ${entry.name}`).to.deep.equal([]);
      await page.close();
    });
  }
});
