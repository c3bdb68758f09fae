import fs from 'node:fs';
import { expect } from 'chai';
import { generateSync } from 'otplib';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { enrolTotp } from '../helpers/two-factor';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

const SHOTS = '/tmp/shots-signin';

/** The code the app would show now; the manual clock is the app's time. */
function codeAt(t: TestApp, secret: string): string {
  return generateSync({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
}

describe('two-factor sign-in in a real browser', function () {
  this.timeout(90_000);
  let t: TestApp;
  let rig: BrowserRig;

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await buildTestApp({ SIGNUP: 'open' });
    rig = await openBrowserRig(t);
  });
  after(async () => {
    await rig?.close();
    await t?.close();
  });

  for (const width of [390, 1280]) {
    it(`enrols with the QR code page, shows recovery codes once, then asks for a code at sign-in (${width} px)`, async () => {
      const email = `two-factor-${width}@example.test`;
      await signUp(t.app, { email });
      const context = await rig.browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await logInWithForm(page, rig.url, email, DEFAULT_PASSWORD);
      await page.goto(`${rig.url}/account`);
      await page.getByRole('link', { name: /Sign-in: two-factor/ }).click();
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
      const qr = page.getByRole('img', { name: /QR code for your authenticator app/ });
      await qr.waitFor();
      // The QR code is really drawn (a data: SVG the CSP allows), not a broken image.
      expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).to.equal(true);
      const secret = (await page.getByLabel('Or type this key into the app').inputValue()).replace(/ /g, '');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.screenshot({ path: `${SHOTS}/enrol-${width}.png`, fullPage: true });

      await page.getByLabel('2. Enter the six digits the app shows').fill(codeAt(t, secret));
      await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
      const codes = page.getByLabel('Recovery codes', { exact: true });
      await codes.waitFor();
      expect((await codes.inputValue()).trim().split('\n')).to.have.length(10);
      await page.getByRole('button', { name: /Copy/ }).waitFor();
      await page.screenshot({ path: `${SHOTS}/recovery-codes-${width}.png`, fullPage: true });

      await page.getByRole('button', { name: /Sign out/ }).click();
      await page.goto(`${rig.url}/login`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await Promise.all([page.waitForURL(`${rig.url}/login/two-factor`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
      await page.getByLabel('Code from your authenticator app').fill('000000' === codeAt(t, secret) ? '111111' : '000000');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('alert').filter({ hasText: 'That code is not right' }).waitFor();
      await page.screenshot({ path: `${SHOTS}/code-wrong-${width}.png`, fullPage: true });
      t.clock.advance(30_000);
      await page.getByLabel('Code from your authenticator app').fill(codeAt(t, secret));
      await page.getByLabel('Remember this browser for 30 days').check();
      await Promise.all([page.waitForURL(`${rig.url}/`), page.getByRole('button', { name: 'Continue' }).click()]);
      const cookies = await context.cookies();
      expect(cookies.some((c) => c.name === 'sightline.remember' && c.httpOnly)).to.equal(true);
      await context.close();
    });
  }

  it('lets an admin require two-factor and reset a person\'s, and sends people without it to enrol', async () => {
    const admin = await signUp(t.app, { email: 'require-admin@example.test' });
    await t.deps.db('users').where({ id: admin.user.id }).update({ role: 'admin' });
    const person = await signUp(t.app, { email: 'require-person@example.test' });
    const enrolled = await signUp(t.app, { email: 'reset-person@example.test' });
    await enrolTotp(enrolled.agent, enrolled.csrf, t.clock);
    const context = await rig.browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    await logInWithForm(page, rig.url, admin.user.email, DEFAULT_PASSWORD);
    await page.goto(`${rig.url}/admin/sign-in`);
    await page.getByLabel('Require two-factor sign-in for everyone').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Sign-in settings saved.').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Reset two-factor of reset-person@example.test' }).click();
    await page.getByText('Two-factor sign-in reset').waitFor();
    const reset = await t.deps.db('audit_events').where({ user_id: enrolled.user.id, event: 'two_factor.reset' }).first();
    expect(reset.actor_id).to.equal(admin.user.id);
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.screenshot({ path: `${SHOTS}/admin-sign-in-${width}.png`, fullPage: true });
    }
    await context.close();

    for (const width of [390, 1280]) {
      const personContext = await rig.browser.newContext({ viewport: { width, height: 900 } });
      const personPage = await personContext.newPage();
      await personPage.goto(`${rig.url}/login`);
      await personPage.getByLabel('Email address').fill(person.user.email);
      await personPage.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await Promise.all([personPage.waitForURL(`${rig.url}/account/two-factor`), personPage.getByRole('button', { name: 'Sign in', exact: true }).click()]);
      await personPage.getByRole('alert').filter({ hasText: 'Your administrator requires two-factor sign-in' }).waitFor();
      await personPage.goto(`${rig.url}/images`);
      expect(personPage.url()).to.equal(`${rig.url}/account/two-factor`);
      await personPage.screenshot({ path: `${SHOTS}/must-enrol-${width}.png`, fullPage: true });
      await personContext.close();
    }
    await t.deps.db('privacy_settings').where({ key: 'require_two_factor' }).update({ value: 'false' });
  });
});
