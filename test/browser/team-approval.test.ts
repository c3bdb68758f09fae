import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { signUp } from '../helpers/session';
import { fixture } from '../helpers/image-fixtures';
import { openBrowserRig, signedInAt, skipWithoutChromium, type BrowserRig } from './browser';
import { axeViolations } from './axe';
import { seedReviewBatch } from '../helpers/review-seed';
import { createTeamWorkspace } from '../../server/services/workspaces';
import { submitForApproval } from '../../server/services/approval';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-team';

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** The CSV a link downloads, as the browser saved it. */
async function download(page: Page, linkName: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()]);
  return fs.readFileSync((await file.path())!, 'utf8');
}

describe('two people in a team workspace: invite, contribute, submit, approve, export', function () {
  this.timeout(120_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let rig: BrowserRig;

  before(async function () {
    skipWithoutChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    fake = await startFakeOpenAI({ latencyMs: 50 });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    await t.deps.queue.start();
    await signUp(t.app, { email: 'editor@example.test' }); // the first account: an administrator
    rig = await openBrowserRig(t);
  });
  after(async () => {
    await rig?.close();
    await t?.close();
    await fake?.close();
  });

  for (const width of [390, 1280]) {
    it(`takes a contributor's upload through approval to the export, at ${width} px`, async () => {
      const contributorEmail = `writer-${width}@example.test`;
      await signUp(t.app, { email: contributorEmail });
      const name = `Newsroom ${width}`;

      // The editor (an administrator) creates the workspace and invites the writer.
      // bypassCSP lets axe-core's script into the editor's pages.
      const editor = await signedInAt(rig, 'editor@example.test', '/workspaces', { width, bypassCSP: true });
      await editor.page.getByLabel('Name').fill(name);
      await Promise.all([editor.page.waitForURL(`${rig.url}/workspace`), editor.page.getByRole('button', { name: 'Create workspace' }).click()]);
      expect(await editor.page.locator('.workspace-bar').textContent()).to.match(new RegExp(`Working in\\s+${name}\\s+as owner`));
      await editor.page.getByLabel('Email address').fill(contributorEmail);
      await editor.page.getByLabel('Role', { exact: true }).selectOption('contributor');
      await editor.page.getByRole('button', { name: 'Create invitation link' }).click();
      const link = await editor.page.getByLabel('Invitation link').inputValue();
      expect(link).to.match(/\/workspace-invites\/[A-Za-z0-9_-]{43}$/);
      expect(await fitsWidth(editor.page)).to.equal(true);
      expect(await axeViolations(editor.page)).to.deep.equal([]);
      await editor.page.screenshot({ path: `${SHOTS}/workspace-invite-${width}.png`, fullPage: true });

      // The writer joins, uploads and submits.
      const writer = await signedInAt(rig, contributorEmail, new URL(link).pathname, { width });
      await Promise.all([writer.page.waitForURL(`${rig.url}/`), writer.page.getByRole('button', { name: `Join ${name}` }).click()]);
      expect(await writer.page.locator('.workspace-bar').textContent()).to.match(new RegExp(`Working in\\s+${name}\\s+as contributor`));
      await writer.page.goto(`${rig.url}/images/new`);
      await writer.page.setInputFiles('#images', [{ name: 'podium.jpg', mimeType: 'image/jpeg', buffer: fixture('dog.jpg') }]);
      await Promise.all([writer.page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), writer.page.getByRole('button', { name: 'Upload and describe' }).click()]);
      const batchUrl = writer.page.url();
      await writer.page.waitForFunction(() => document.querySelectorAll('[data-status="done"] textarea[name="alt_text"]').length === 1, null, { timeout: 20_000 });
      await writer.page.reload();
      expect(await writer.page.getByRole('button', { name: /^Delete/ }).count(), 'a contributor deletes nothing').to.equal(0);
      expect(await writer.page.getByRole('button', { name: 'Approve', exact: true }).count(), 'nor approves').to.equal(0);
      const before = await download(writer.page, 'Export CSV');
      expect(before.trim().split('\n'), 'nothing is published before approval').to.have.length(1);
      await writer.page.getByLabel('Select podium.jpg').check();
      await Promise.all([writer.page.waitForURL(batchUrl), writer.page.getByRole('button', { name: 'Submit for approval' }).click()]);
      expect(await writer.page.locator('main').textContent()).to.include('Submitted 1 image.');
      expect(await fitsWidth(writer.page)).to.equal(true);
      await writer.page.screenshot({ path: `${SHOTS}/submitted-${width}.png` });

      // The editor approves it on the image's page; the export then carries it.
      await editor.page.goto(batchUrl);
      await Promise.all([editor.page.waitForURL(/\/images\//), editor.page.getByRole('link', { name: 'submitted' }).click()]);
      expect(await editor.page.locator('#approval-heading').textContent()).to.include('Submitted for approval');
      await Promise.all([editor.page.waitForURL(/\/images\/[A-Za-z0-9_-]{22}$/), editor.page.getByRole('button', { name: 'Approve', exact: true }).click()]);
      expect(await editor.page.locator('#approval-heading').textContent()).to.include('Approved');
      const history = await editor.page.locator('.approval-history').textContent();
      expect(history).to.include('editor@example.test approved it');
      expect(history).to.include(`${contributorEmail} submitted it`);
      expect(await fitsWidth(editor.page)).to.equal(true);
      expect(await axeViolations(editor.page)).to.deep.equal([]);
      await editor.page.screenshot({ path: `${SHOTS}/approved-${width}.png`, fullPage: true });

      await writer.page.goto(batchUrl);
      const after = await download(writer.page, 'Export CSV');
      const rows = after.trim().split('\n');
      expect(rows).to.have.length(2);
      expect(rows[1]).to.include('podium.jpg');
      await editor.context.close();
      await writer.context.close();
    });

    it(`sends two submitted images back at once with one comment, at ${width} px`, async () => {
      const editorRow = await t.deps.db('users').where({ email: 'editor@example.test' }).first('id');
      const workspaceId = await createTeamWorkspace(t.deps, null, editorRow.id, { name: `Photo desk ${width}` });
      const { batchId, imageIds } = await seedReviewBatch(t.deps, workspaceId, 3, 'Council', (i) => `Council meeting ${i + 1}`);
      const workspace = { id: workspaceId, name: `Photo desk ${width}`, kind: 'team', role: 'owner', approvalRequired: true, twoFactorRequired: false } as const;
      await submitForApproval(t.deps, workspace, editorRow.id, imageIds.slice(0, 2));

      const editor = await signedInAt(rig, 'editor@example.test', '/workspaces', { width, bypassCSP: true });
      await Promise.all([editor.page.waitForURL(`${rig.url}/`), editor.page.getByRole('button', { name: `Switch to Photo desk ${width}` }).click()]);
      await editor.page.goto(`${rig.url}/batches/${batchId}`);
      for (const n of [1, 2]) await editor.page.getByLabel(`Select photo-00${n}.jpg`).check();
      await Promise.all([editor.page.waitForURL(`${rig.url}/images/bulk`), editor.page.getByRole('button', { name: 'Send back…' }).click()]);
      expect(await editor.page.locator('h1').textContent()).to.equal('Send 2 images back');
      expect(await fitsWidth(editor.page)).to.equal(true);
      expect(await axeViolations(editor.page)).to.deep.equal([]);
      await editor.page.getByLabel('What should change').fill('Name the councillors, left to right');
      await editor.page.screenshot({ path: `${SHOTS}/send-back-${width}.png`, fullPage: true });
      await Promise.all([editor.page.waitForURL(`${rig.url}/batches/${batchId}`), editor.page.getByRole('button', { name: 'Send back', exact: true }).click()]);
      expect(await editor.page.locator('main').textContent()).to.include('Sent 2 images back to draft with your comment.');

      const states = await t.deps.db('images').whereIn('id', imageIds).orderBy('id').select('id', 'approval');
      expect(Object.fromEntries(states.map((r: { id: string; approval: string }) => [r.id, r.approval]))).to.deep.equal({ [imageIds[0]!]: 'draft', [imageIds[1]!]: 'draft', [imageIds[2]!]: 'draft' });
      await editor.page.goto(`${rig.url}/images/${imageIds[1]}`);
      expect(await editor.page.locator('.approval-history').textContent()).to.include('Name the councillors, left to right');
      await editor.context.close();
    });
  }
});
