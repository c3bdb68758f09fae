import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import sharp from 'sharp';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { createTeam } from '../../helpers/workspace-seed';
import { createApiKey } from '../../../server/services/api-keys';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { fixture } from '../../helpers/image-fixtures';

/** The fields Debian's exiftool reads from a downloaded file. */
function exiftool(bytes: Buffer): Record<string, unknown> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-dl-')), 'image.jpg');
  fs.writeFileSync(file, bytes);
  const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', file], { encoding: 'utf8' })) as Record<string, unknown>[];
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return tags!;
}

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('downloading a kept image with its text written into the file', () => {
  let t: TestApp;
  let me: SignedUp;
  before(async () => {
    t = await buildTestApp();
    me = await signUp(t.app);
  });
  after(() => t.close());

  it('writes the current text into the working copy, on the page and through the API, pixels unchanged', async () => {
    const { imageIds } = await seedReviewBatch(t.deps, me.user.id, 1, 'Download', () => 'A brown dog on a porch');
    const id = imageIds[0]!;
    const res = await me.agent.get(`/images/${id}/download`).buffer(true).parse(binary).expect(200).expect('Content-Type', 'image/jpeg');
    expect(res.headers['content-disposition']).to.match(/^attachment/);
    expect(exiftool(res.body as Buffer)).to.include({ 'XMP-iptcCore:AltTextAccessibility': 'A brown dog on a porch' });
    const plain = await me.agent.get(`/images/${id}/file`).buffer(true).parse(binary).expect(200);
    expect((await sharp(res.body as Buffer).raw().toBuffer()).equals(await sharp(plain.body as Buffer).raw().toBuffer())).to.equal(true);
    expect((await me.agent.get(`/images/${id}`)).text).to.include(`/images/${id}/download`);

    const { key } = await createApiKey(t.deps, me.user.id, { name: 'dl', scope: 'read' });
    const api = await request(t.app).get(`/api/v1/images/${id}/download`).set('Authorization', `Bearer ${key}`).buffer(true).parse(binary).expect(200);
    expect(exiftool(api.body as Buffer)['XMP-iptcCore:AltTextAccessibility']).to.equal('A brown dog on a porch');

    // Once the working copy is gone there is nothing to download.
    await t.deps.db('images').where({ id }).update({ blob_key: null });
    await me.agent.get(`/images/${id}/download`).expect(404);
  });

  it('publishes in files only approved text where the workspace requires approval', async () => {
    const team = await createTeam(t.app, me, 'Files team');
    const { imageIds } = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Team download', () => 'An unapproved draft');
    const id = imageIds[0]!;
    const viewer = team.members.viewer;
    const refused = await viewer.agent.get(`/images/${id}/download`).expect(409);
    expect(refused.text).to.include('not approved yet');
    await team.members.editor.agent.post(`/images/${id}/approval`).type('form').send({ _csrf: team.members.editor.csrf, step: 'approve' }).expect(303);
    const res = await viewer.agent.get(`/images/${id}/download`).buffer(true).parse(binary).expect(200);
    expect(exiftool(res.body as Buffer)['XMP-iptcCore:AltTextAccessibility']).to.equal('An unapproved draft');
  });
});

describe('returning an uploaded file with its text written in, keeping nothing', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  let me: SignedUp;
  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    me = await signUp(t.app);
    await me.agent.post('/images/consent').type('form').send({ _csrf: me.csrf }).expect(303);
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  it('answers with the upload itself plus the text, and stores no image, text or file', async () => {
    const counts = async () => Promise.all(['images', 'batches', 'descriptions', 'description_versions'].map(async (table) => Number((await t.deps.db(table).count({ n: '*' }).first())!.n)));
    const before = await counts();
    const blobsBefore = await t.deps.blobs.list();
    const original = fixture('eagle-gps.jpg');
    const res = await me.agent.post(`/images/embed-file?_csrf=${encodeURIComponent(me.csrf)}`).attach('image', original, 'eagle.jpg').buffer(true).parse(binary).expect(200);
    const tags = exiftool(res.body as Buffer);
    expect(tags['XMP-iptcCore:AltTextAccessibility']).to.equal('Red bicycle leaning against a brick wall on a sunny street');
    expect(tags['IFD0:Make']).to.equal('Canon');
    expect((await sharp(res.body as Buffer).raw().toBuffer()).equals(await sharp(original).raw().toBuffer())).to.equal(true);
    expect(await counts()).to.deep.equal(before);
    expect(await t.deps.blobs.list()).to.deep.equal(blobsBefore);
    expect(Number((await t.deps.db('usage_events').where({ user_id: me.user.id, kind: 'description.created' }).count({ n: '*' }).first())!.n)).to.equal(1);
    const gif = await me.agent.post(`/images/embed-file?_csrf=${encodeURIComponent(me.csrf)}`).attach('image', Buffer.from('GIF89a....'), 'x.gif');
    expect(gif.status).to.equal(303); // back to the form, with the reason
  });
});
