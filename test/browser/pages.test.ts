import fs from 'node:fs';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';
import { PAGES, PageUnderTest } from './pages';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page and returns its violations (WCAG 2.x A/AA and best practices). */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, options: { resultTypes: string[] }): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

describe('every page in a real browser', function () {
  this.timeout(120_000);
  let t: TestApp;
  let rig: BrowserRig;
  const accounts = { admin: { email: 'admin@example.test', id: 0 }, user: { email: 'user@example.test', id: 0 } };
  // axe injects its script, which the strict CSP forbids: one context bypasses CSP for axe,
  // the other keeps it to prove the page itself needs no inline code.
  const contexts: Record<'axe' | 'csp', Record<PageUnderTest['as'], BrowserContext | undefined>> = {
    axe: { visitor: undefined, user: undefined, admin: undefined },
    csp: { visitor: undefined, user: undefined, admin: undefined },
  };

  before(async function () {
    skipWithoutChromium(this);
    t = await buildTestApp();
    accounts.admin.id = (await signUp(t.app, { email: accounts.admin.email })).user.id;
    accounts.user.id = (await signUp(t.app, { email: accounts.user.email })).user.id;
    rig = await openBrowserRig(t);
    for (const kind of ['axe', 'csp'] as const) {
      for (const as of ['visitor', 'user', 'admin'] as const) {
        const context = await rig.browser.newContext({ bypassCSP: kind === 'axe' });
        if (as !== 'visitor') await logInWithForm(await context.newPage(), rig.url, accounts[as].email, DEFAULT_PASSWORD);
        contexts[kind][as] = context;
      }
    }
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  async function open(kind: 'axe' | 'csp', entry: PageUnderTest): Promise<{ page: Page; status: number; problems: string[] }> {
    const page = await contexts[kind][entry.as]!.newPage();
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
    it(`${entry.name}: no axe-core violations`, async () => {
      const { page, status } = await open('axe', entry);
      expect(status).to.equal(entry.status ?? 200);
      const violations = await axeViolations(page);
      const summary = violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(summary, `axe violations on ${entry.name}`).to.deep.equal([]);
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
