import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD } from '../helpers/session';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every browser test uses: headless, and nothing that reaches the network by itself. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** True where browser tests must run: in CI (`CI`, as CI services set it) or when asked to. */
export function browserRequired(env: NodeJS.ProcessEnv): boolean {
  return ['CI', 'SIGHTLINE_REQUIRE_BROWSER'].some((name) => {
    const value = env[name]?.trim().toLowerCase();
    return value !== undefined && value !== '' && value !== '0' && value !== 'false';
  });
}

/**
 * Skips the calling suite, with the reason, when Chromium is not installed; where browser tests
 * are required (CI, which installs Chromium at this path), a missing Chromium fails the suite instead.
 */
export function skipWithoutChromium(ctx: Pick<Mocha.Context, 'skip'>, chromiumPath = CHROMIUM_PATH, env = process.env): void {
  if (fs.existsSync(chromiumPath)) return;
  const install = 'apt-get install chromium';
  if (browserRequired(env)) throw new Error(`${chromiumPath} is missing, and browser tests may not be skipped here (${install})`);
  console.warn(`    browser tests skipped: ${chromiumPath} is missing (${install})`);
  ctx.skip();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Serves a test app on 127.0.0.1 at a free port; returns its base URL and a closer. */
export async function serve(t: TestApp): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A test app served on loopback, with Chromium started to look at it. */
export interface BrowserRig {
  url: string;
  browser: Browser;
  /** Stops the browser, then the server; the app itself is the caller's to close. */
  close(): Promise<void>;
}

export async function openBrowserRig(t: TestApp): Promise<BrowserRig> {
  const server = await serve(t);
  const browser = await launchChromium().catch(async (err: unknown) => {
    await server.close();
    throw err;
  });
  return {
    url: server.url,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Signs in through the login form, as a person would. */
export async function logInWithForm(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}

/** A fresh browser context (JavaScript on unless asked), signed in through the form, on `path`. */
export async function signedInAt(
  rig: BrowserRig,
  email: string,
  path: string,
  opts: { javaScriptEnabled?: boolean; width?: number; password?: string; bypassCSP?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await rig.browser.newContext({ javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: { width: opts.width ?? 1280, height: 900 }, bypassCSP: opts.bypassCSP ?? false });
  const page = await context.newPage();
  await logInWithForm(page, rig.url, email, opts.password ?? DEFAULT_PASSWORD);
  await page.goto(`${rig.url}${path}`);
  return { context, page };
}
