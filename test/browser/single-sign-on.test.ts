import fs from 'node:fs';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';
import { startIdentityProvider, type TestIdentityProvider } from '../helpers/oidc-provider';
import { BrowserRig, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-signin';

describe('single sign-on in a real browser, against an identity provider on loopback', function () {
  this.timeout(90_000);
  let t: TestApp;
  let idp: TestIdentityProvider;
  let rig: BrowserRig;

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    idp = await startIdentityProvider({
      grace: { email: 'grace@example.test', emailVerified: true, name: 'Grace' },
      mallory: { email: 'mallory@example.test', emailVerified: false },
    });
    t = await buildTestApp({ SIGNUP: 'open', OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, OIDC_NAME: 'Example SSO' });
    rig = await openBrowserRig(t);
    await idp.allowRedirect(`${rig.url}/login/sso/callback`);
    await signUp(t.app, { email: 'admin@example.test' });
    await signUp(t.app, { email: 'grace@example.test' });
    await signUp(t.app, { email: 'mallory@example.test' });
  });
  after(async () => {
    await rig?.close();
    await t?.close();
    await idp?.close();
  });

  /** Clicks "Sign in with Example SSO" and goes through the provider's sign-in and consent pages. */
  async function throughProvider(page: import('playwright-core').Page, login: string): Promise<void> {
    await page.getByRole('link', { name: 'Sign in with Example SSO' }).click();
    await page.waitForURL(new RegExp(`^${idp.issuer}/`));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.locator('button', { hasText: 'Continue' }).click();
  }

  for (const width of [390, 1280]) {
    it(`signs in through the provider with a verified email (${width} px)`, async () => {
      const context = await rig.browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${rig.url}/login`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.screenshot({ path: `${SHOTS}/login-sso-${width}.png`, fullPage: true });
      await Promise.all([page.waitForURL(`${rig.url}/`), throughProvider(page, 'grace')]);
      await page.goto(`${rig.url}/account`);
      await page.getByText('grace@example.test').first().waitFor();
      await context.close();
    });
  }

  it('refuses an address the provider has not verified, and says why', async () => {
    const context = await rig.browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${rig.url}/login`);
    await throughProvider(page, 'mallory');
    await page.getByRole('alert').filter({ hasText: 'has not verified your email address' }).waitFor();
    expect(page.url()).to.match(new RegExp(`^${rig.url}/login/sso/callback`));
    await page.screenshot({ path: `${SHOTS}/sso-refused-390.png`, fullPage: true });
    await page.goto(`${rig.url}/account`);
    expect(page.url()).to.match(/\/login/);
    await context.close();
  });
});
