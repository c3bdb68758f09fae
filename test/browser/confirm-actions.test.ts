import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { BrowserRig, openBrowserRig, signedInAt, skipWithoutChromium } from './browser';
import { createApiKey, listApiKeys } from '../../server/services/api-keys';
import { createEndpoint, listEndpoints } from '../../server/webhooks/endpoints';
import { createPattern, listPatterns } from '../../server/patterns';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-first-run';

interface Prepared {
  path: string;
  stillThere: () => Promise<boolean>;
  /** Fills what the form itself asks for. */
  fill?: (page: Page) => Promise<void>;
  /** Who signs in, when not the action's `as`. */
  email?: string;
  /** The button's accessible name. */
  button: string;
}

/** One destructive action: made fresh for each run, found on its page by its button, checked in the database. */
interface Action {
  name: string;
  as: 'admin' | 'user';
  /** Makes what the action destroys; answers the page its button is on and a check that it is still there. */
  prepare(): Promise<Prepared>;
  /** Words the question must contain. */
  asks: RegExp;
}

describe('destructive actions ask first, in a real browser', function () {
  this.timeout(120_000);
  let t: TestApp;
  let rig: BrowserRig;
  const people = { admin: { email: 'admin@example.test', id: 0 }, user: { email: 'user@example.test', id: 0 } };
  let counter = 0;
  const publicAnswer = async () => [{ address: '93.184.216.34', family: 4 as const }];
  const userRow = (id: number) => t.deps.db('users').where({ id }).first();

  const ACTIONS: Action[] = [
    {
      name: 'revoke an API key',
      as: 'user',
      asks: /Revoke the key “shop import \d+”\?/,
      async prepare() {
        const name = `shop import ${++counter}`;
        const { key } = await createApiKey(t.deps, people.user.id, { name, scope: 'read' });
        expect(key).to.be.a('string');
        const stillThere = async () => !(await listApiKeys(t.deps, people.user.id)).find((k) => k.name === name)!.revokedAt;
        return { path: '/account/api-keys', stillThere, button: `Revoke ${name}` };
      },
    },
    {
      name: 'delete a webhook endpoint',
      as: 'user',
      asks: /Delete the endpoint https:\/\/hooks\.example\.com\/\d+\?/,
      async prepare() {
        const { endpoint } = await createEndpoint(t.deps, people.user.id, { url: `https://hooks.example.com/${++counter}`, events: ['image.completed'] }, publicAnswer);
        const stillThere = async () => (await listEndpoints(t.deps, people.user.id)).some((e) => e.id === endpoint.id);
        return { path: `/account/webhooks/${endpoint.id}`, stillThere, button: 'Delete endpoint' };
      },
    },
    {
      name: 'delete a pattern',
      as: 'user',
      asks: /Delete the pattern “Colour \d+”\?/,
      async prepare() {
        const schema = '{"type":"object","additionalProperties":false,"required":["colour"],"properties":{"colour":{"type":"string"}}}';
        const pattern = await createPattern(t.deps, people.user.id, { name: `Colour ${++counter}`, instructions: 'The main colour', schema });
        const stillThere = async () => (await listPatterns(t.deps, people.user.id)).some((p) => p.id === pattern.id);
        return { path: `/patterns/${pattern.id}`, stillThere, button: 'Delete pattern' };
      },
    },
    {
      name: 'disable a user',
      as: 'admin',
      asks: /Disable staff\d+@example\.test\?/,
      async prepare() {
        const { user } = await signUp(t.app, { email: `staff${++counter}@example.test` });
        return { path: '/admin/users', stillThere: async () => (await userRow(user.id)).status === 'active', button: `Disable ${user.email}` };
      },
    },
    {
      name: 'delete a user',
      as: 'admin',
      asks: /Delete the account staff\d+@example\.test\?/,
      async prepare() {
        const { user } = await signUp(t.app, { email: `staff${++counter}@example.test` });
        return { path: '/admin/users', stillThere: async () => (await userRow(user.id)).deletion_requested_at === null, button: `Delete ${user.email}` };
      },
    },
    {
      name: 'delete one\'s own account',
      as: 'user',
      asks: /Delete your account\?/,
      async prepare() {
        const email = `leaver${++counter}@example.test`;
        const { user } = await signUp(t.app, { email });
        return {
          path: '/account/privacy',
          stillThere: async () => (await userRow(user.id)).deletion_requested_at === null,
          fill: (page) => page.getByLabel('Your password').fill(DEFAULT_PASSWORD),
          email,
          button: 'Delete my account',
        };
      },
    },
  ];

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await buildTestApp();
    people.admin.id = (await signUp(t.app, { email: people.admin.email })).user.id;
    people.user.id = (await signUp(t.app, { email: people.user.email })).user.id;
    rig = await openBrowserRig(t);
  });

  after(async () => {
    await rig?.close();
    await t?.close();
  });

  /** Signs in as the one the action is for: the account deleting itself signs in as itself. */
  function who(action: Action, prepared: Prepared): string {
    return prepared.email ?? people[action.as].email;
  }

  for (const action of ACTIONS) {
    for (const width of [390, 1280]) {
      it(`${action.name}, ${width} px, JavaScript on: asks with a dialog, does nothing when dismissed, acts when accepted`, async () => {
        const prepared = await action.prepare();
        const { context, page } = await signedInAt(rig, who(action, prepared), prepared.path, { width });
        await prepared.fill?.(page);
        const button = page.getByRole('button', { name: prepared.button, exact: true });
        const asked = page.waitForEvent('dialog');
        const clicked = button.click();
        const first = await asked;
        expect(first.type()).to.equal('confirm');
        expect(first.message()).to.match(action.asks);
        await first.dismiss();
        await clicked;
        expect(page.url()).to.equal(`${rig.url}${prepared.path}`);
        expect(await prepared.stillThere(), 'still there after "Cancel"').to.equal(true);

        page.once('dialog', (dialog) => dialog.accept());
        await Promise.all([page.waitForNavigation(), button.click()]);
        expect(await prepared.stillThere(), 'gone after "OK"').to.equal(false);
        await page.screenshot({ path: `${SHOTS}/confirm-${action.name.replace(/\W+/g, '-')}-after-${width}.png`, fullPage: true });
        await context.close();
      });
    }

    it(`${action.name}, JavaScript off: a confirmation step, then the action`, async () => {
      const prepared = await action.prepare();
      const { context, page } = await signedInAt(rig, who(action, prepared), prepared.path, { javaScriptEnabled: false, width: 390 });
      await prepared.fill?.(page);
      if (!prepared.fill) {
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: prepared.button, exact: true }).click()]);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.match(/\?$/);
        await page.screenshot({ path: `${SHOTS}/confirm-${action.name.replace(/\W+/g, '-')}-page-390.png`, fullPage: true });
        expect(await prepared.stillThere(), 'the confirmation page changes nothing').to.equal(true);
        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Cancel, keep it' }).click()]);
        expect(page.url()).to.equal(`${rig.url}${prepared.path}`);
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: prepared.button, exact: true }).click()]);
        await Promise.all([page.waitForNavigation(), page.locator('main form button.danger').click()]);
      } else {
        // The password asked for on the form is the confirmation step.
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: prepared.button, exact: true }).click()]);
      }
      expect(await prepared.stillThere()).to.equal(false);
      await context.close();
    });
  }

  it('deletes an account now, without the grace period, when "now" is ticked, JavaScript on or off', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const { user } = await signUp(t.app, { email: `now${javaScriptEnabled}@example.test` });
      const { context, page } = await signedInAt(rig, people.admin.email, '/admin/users', { javaScriptEnabled });
      await page.getByRole('row', { name: new RegExp(user.email) }).getByLabel('now, no grace period').check();
      page.once('dialog', (dialog) => dialog.accept());
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: `Delete ${user.email}` }).click()]);
      if (!javaScriptEnabled) await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Delete account' }).click()]);
      const row = await userRow(user.id);
      expect(row.deletion_due_at).to.equal(row.deletion_requested_at);
      await context.close();
    }
  });
});
