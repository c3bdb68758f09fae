import { buildTestApp, type TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';
import { openBrowserRig, skipWithoutChromium, type BrowserRig } from './browser';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';

export interface BrowserApp {
  t: TestApp;
  rig: BrowserRig;
  /** The account signed up for the suite. */
  userId: number;
  /** With `modelServer`: the loopback model server the app describes with. */
  fake: FakeOpenAI;
}

/**
 * The setup most browser suites share: a test app (with `env`), one account signed up as `email`,
 * and Chromium on a served copy of the app; all of it closed after the suite. Call it in a
 * `describe` body; the fields are there from the suite's first test on.
 */
export function browserApp(options: { email: string; env?: Record<string, string>; modelServer?: { latencyMs: number }; startQueue?: boolean }): BrowserApp {
  const app = {} as BrowserApp;
  before(async function () {
    skipWithoutChromium(this);
    // With `modelServer`, the app describes with a loopback OpenAI-compatible server.
    if (options.modelServer) app.fake = await startFakeOpenAI(options.modelServer);
    app.t = await buildTestApp({ ...(app.fake ? { DESCRIBER: 'openai', OPENAI_BASE_URL: app.fake.baseUrl } : {}), ...options.env });
    if (options.startQueue) await app.t.deps.queue.start();
    app.userId = (await signUp(app.t.app, { email: options.email })).user.id;
    app.rig = await openBrowserRig(app.t);
  });
  after(async () => {
    await app.rig?.close();
    await app.t?.close();
    await app.fake?.close();
  });
  return app;
}
