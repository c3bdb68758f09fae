import fs from 'node:fs';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { BrowserRig, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-signin';

/**
 * A page with Chromium's virtual authenticator: a platform authenticator (internal transport) that
 * keeps discoverable credentials and verifies the person, answering prompts by itself.
 */
async function pageWithAuthenticator(rig: BrowserRig, width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await rig.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { context, page };
}

describe('passkeys in a real browser, with a virtual authenticator', function () {
  this.timeout(90_000);
  let t: TestApp;
  let rig: BrowserRig;
  // WebAuthn refuses IP addresses as relying party ids: the browser uses the name "localhost".
  let url: string;

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await buildTestApp({ SIGNUP: 'open' });
    rig = await openBrowserRig(t);
    url = rig.url.replace('127.0.0.1', 'localhost');
  });
  after(async () => {
    await rig?.close();
    await t?.close();
  });

  for (const width of [390, 1280]) {
    it(`adds a passkey, signs in with it alone and as the second step, then removes it (${width} px)`, async () => {
      const email = `passkey-${width}@example.test`;
      const { user } = await signUp(t.app, { email });
      const { context, page } = await pageWithAuthenticator(rig, width);
      await page.goto(`${url}/login`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await Promise.all([page.waitForURL(`${url}/`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);

      await page.goto(`${url}/account/two-factor`);
      await page.getByLabel('Name for a new passkey').fill('Work laptop');
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByText('Passkey added.').waitFor();
      await page.getByText('Work laptop', { exact: true }).waitFor();
      const stored = await t.deps.db('passkeys').where({ user_id: user.id });
      expect(stored).to.have.length(1);
      expect(stored[0].public_key).to.have.length.greaterThan(50);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.locator('section[aria-labelledby="passkeys-heading"]').screenshot({ path: `${SHOTS}/passkeys-${width}.png` });

      // Passwordless, from the login page.
      await page.getByRole('button', { name: /Sign out/ }).click();
      await page.goto(`${url}/login`);
      await page.screenshot({ path: `${SHOTS}/login-${width}.png`, fullPage: true });
      await Promise.all([page.waitForURL(`${url}/`), page.getByRole('button', { name: 'Sign in with a passkey' }).click()]);
      expect(await t.deps.db('audit_events').where({ user_id: user.id, event: 'login.passkey' }).first()).to.not.equal(undefined);

      // The password now needs the passkey as its second step.
      await page.getByRole('button', { name: /Sign out/ }).click();
      await page.goto(`${url}/login`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await Promise.all([page.waitForURL(`${url}/login/two-factor`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
      expect(await page.goto(`${url}/account`).then(() => page.url())).to.match(/\/login/);
      await page.goto(`${url}/login/two-factor`);
      await page.screenshot({ path: `${SHOTS}/second-step-passkey-${width}.png`, fullPage: true });
      await Promise.all([page.waitForURL(`${url}/`), page.getByRole('button', { name: 'Use a passkey' }).click()]);

      await page.goto(`${url}/account/two-factor`);
      await page.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
      await page.getByText('Passkey removed.').waitFor();
      expect(await t.deps.db('passkeys').where({ user_id: user.id })).to.have.length(0);
      await context.close();
    });
  }

  it('refuses a disabled account\'s passkey', async () => {
    const email = 'passkey-disabled@example.test';
    const { user } = await signUp(t.app, { email });
    const { context, page } = await pageWithAuthenticator(rig, 1280);
    await page.goto(`${url}/login`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await Promise.all([page.waitForURL(`${url}/`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await page.goto(`${url}/account/two-factor`);
    await page.getByLabel('Name for a new passkey').fill('Phone');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey added.').waitFor();
    await page.getByRole('button', { name: /Sign out/ }).click();
    await t.deps.db('users').where({ id: user.id }).update({ status: 'disabled' });
    await page.goto(`${url}/login`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByText('That passkey did not sign you in').waitFor();
    expect(page.url()).to.equal(`${url}/login`);
    expect(await t.deps.db('audit_events').where({ user_id: user.id, event: 'login.refused' }).first()).to.not.equal(undefined);
    await context.close();
  });
});
