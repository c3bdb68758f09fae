import { buildTestApp, type TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';
import { openBrowserRig, skipWithoutChromium, type BrowserRig } from './browser';

export interface BrowserApp {
  t: TestApp;
  rig: BrowserRig;
  /** The account signed up for the suite. */
  userId: number;
}

/**
 * The setup most browser suites share: a test app (with `env`), one account signed up as `email`,
 * and Chromium on a served copy of the app; all of it closed after the suite. Call it in a
 * `describe` body; the fields are there from the suite's first test on.
 */
export function browserApp(options: { email: string; env?: Record<string, string> }): BrowserApp {
  const app = {} as BrowserApp;
  before(async function () {
    skipWithoutChromium(this);
    app.t = await buildTestApp(options.env);
    app.userId = (await signUp(app.t.app, { email: options.email })).user.id;
    app.rig = await openBrowserRig(app.t);
  });
  after(async () => {
    await app.rig?.close();
    await app.t?.close();
  });
  return app;
}
