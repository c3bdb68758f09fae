import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { BrowserRig, logInWithForm, openBrowserRig, skipWithoutChromium } from './browser';

describe('accounts in a real browser', function () {
  this.timeout(60_000);
  let t: TestApp;
  let rig: BrowserRig;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    t = await buildTestApp();
    rig = await openBrowserRig(t);
    page = await (await rig.browser.newContext()).newPage();
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  it('signs up the first account and is signed in', async () => {
    await page.goto(`${rig.url}/signup`);
    await page.getByLabel('Your name').fill('Rosa');
    await page.getByLabel('Email address').fill('rosa@example.test');
    await page.getByLabel('Password').fill('sparrow lantern quartz');
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.waitForURL(`${rig.url}/`);
    expect(await page.getByRole('status').textContent()).to.contain('you are signed in');
  });

  it('signs out, logs in and sees the dashboard', async () => {
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL(`${rig.url}/login`);
    await logInWithForm(page, rig.url, 'rosa@example.test', 'sparrow lantern quartz');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Welcome, Rosa');
    expect(await page.getByRole('link', { name: 'Admin' }).count()).to.equal(1);
  });

  it('reaches the main content with the skip link', async () => {
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).to.equal(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('main');
  });

  it('changes the password and stays signed in', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Current password', { exact: true }).last().fill('sparrow lantern quartz');
    await page.getByLabel('New password').fill('heron teapot glacier');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(`${rig.url}/account`);
    expect(await page.getByRole('status').textContent()).to.contain('Your password has been changed');
  });

  it('logs out, and back in with the new password', async () => {
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL(`${rig.url}/login`);
    expect(await page.getByRole('status').textContent()).to.contain('You have signed out.');
    await page.goto(`${rig.url}/account`);
    expect(page.url()).to.equal(`${rig.url}/login?next=%2Faccount`);
    await logInWithForm(page, rig.url, 'rosa@example.test', 'heron teapot glacier');
  });

  it('shows a generic message for a wrong password', async () => {
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL(`${rig.url}/login`);
    await page.getByLabel('Email address').fill('rosa@example.test');
    await page.getByLabel('Password').fill('sparrow lantern quartz');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).to.equal('That email address and password do not match an account.');
  });
});
