import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { signUp } from '../helpers/session';
import * as fx from '../helpers/image-fixtures';
import { createPattern } from '../../server/patterns';
import { BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';

const schema = '{"type":"object","additionalProperties":false,"required":["colour"],"properties":{"colour":{"type":"string"}}}';

describe('a pattern\'s test run, in a real browser', function () {
  this.timeout(90_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;
  let patternId: string;
  const email = 'patterns-test@example.test';

  before(async function () {
    skipWithoutChromium(this);
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    const owner = await signUp(t.app, { email });
    await owner.agent.post('/images/consent').type('form').send({ _csrf: owner.csrf }).expect(303);
    patternId = (await createPattern(t.deps, owner.user.id, { name: 'Main colour', instructions: 'The main colour', schema })).id;
    rig = await openBrowserRig(t);
  });
  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  for (const width of [390, 1280]) {
    it(`shows the result in place once the image is described, without a reload, at ${width} px`, async () => {
      const { context, page } = await signedInAt(rig, email, `/patterns/${patternId}`, { width });
      await page.setInputFiles('#test-image', [{ name: `shoe-${width}.jpg`, mimeType: 'image/jpeg', buffer: fx.fixture('dog.jpg') }]);
      await Promise.all([page.waitForURL(/\/tests\//), page.getByRole('button', { name: 'Describe with this pattern' }).click()]);
      expect(await page.locator('[data-pattern-test]').textContent()).to.include('Still being described');
      // A marker that a reload would wipe out.
      await page.evaluate(() => { (window as unknown as { stillHere: boolean }).stillHere = true; });
      await t.deps.queue.start();
      await page.locator('[data-pattern-test] h2', { hasText: 'Alt text' }).waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).to.equal(true);
      expect(await page.locator('[data-test-status]').textContent()).to.equal('Described');
      expect(await page.locator('[data-pattern-test][data-pending]').count()).to.equal(0);
      await t.deps.queue.stop(2_000);
      await context.close();
    });
  }
});
