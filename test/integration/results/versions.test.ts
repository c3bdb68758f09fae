import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { signUp, type SignedUp } from '../../helpers/session';
import { addImages, countRows, imageStatus, jobOf, seedBatch, waitFor } from '../../helpers/queue-fixtures';
import { insertDescription } from '../../helpers/description-rows';
import { insertImage } from '../../helpers/rows';
import { unzipEntries } from '../../helpers/unzip';
import { deleteImageForUser } from '../../../server/services/data-rights/delete-content';
import { requestAccountDeletion } from '../../../server/services/data-rights/account-deletion';

const FIELDS = ['alt_text', 'caption', 'title', 'description', 'filename', 'text'] as const;

interface Version {
  number: number;
  origin: string;
  state: string;
  restored_from: number | null;
  alt_text: string;
  human_fields_json: string;
}

describe('result versions: history, restore, and edits a new description never overwrites unasked', function () {
  this.timeout(30_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let owner: SignedUp;
  let stranger: SignedUp;

  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_TIMEOUT_MS: '3000' });
    owner = await signUp(t.app);
    stranger = await signUp(t.app);
    await t.deps.queue.start();
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  async function describedImage(): Promise<{ imageId: string; batchId: string }> {
    const { batchId } = await seedBatch(t, { language: 'en' }, owner.user.id);
    const [imageId] = await addImages(t, owner.user.id, batchId, 1);
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 5000, 'first description');
    return { imageId, batchId };
  }

  const current = (imageId: string) => t.deps.db('descriptions').where({ image_id: imageId }).first();
  const versions = (imageId: string): Promise<Version[]> => t.deps.db('description_versions').where({ image_id: imageId }).orderBy('number');
  const reviewedAt = async (imageId: string) => (await t.deps.db('images').where({ id: imageId }).first('reviewed_at')).reviewed_at;

  /** Saves through the card's form: every field as shown, with `changes` typed over it. */
  async function edit(imageId: string, changes: Record<string, string>): Promise<void> {
    const d = await current(imageId);
    const form: Record<string, string> = Object.fromEntries(FIELDS.map((f) => [f, d[f]]));
    form.tags = (JSON.parse(d.tags_json) as string[]).join(', ');
    if (d.decorative) form.decorative = 'on';
    await owner.agent.post(`/images/${imageId}/description`).type('form').send({ _csrf: owner.csrf, ...form, ...changes }).expect(303);
  }

  async function markReviewed(imageId: string): Promise<void> {
    await owner.agent.post(`/images/${imageId}/review`).type('form').send({ _csrf: owner.csrf, reviewed: '1' }).expect(303);
  }

  /** Describes again through the form and waits until the new job has stored its result. */
  async function regenerate(imageId: string, fields: Record<string, string>): Promise<string> {
    const before = Number((await jobOf(t, imageId)).id);
    const res = await owner.agent.post(`/images/${imageId}/regenerate`).type('form').send({ _csrf: owner.csrf, ...fields }).expect(303);
    await waitFor(async () => {
      const job = await jobOf(t, imageId);
      return Number(job.id) > before && job.status === 'done';
    }, 5000, 'the new description');
    return (await owner.agent.get(res.headers.location as string).expect(200)).text;
  }

  it('keeps the person\'s edit and "reviewed" when the image is described again, and offers the new text as a waiting version', async () => {
    const { imageId, batchId } = await describedImage();
    await edit(imageId, { alt_text: 'My own words about the bicycle' });
    await markReviewed(imageId);
    const card = (await owner.agent.get(`/batches/${batchId}`).expect(200)).text;
    expect(card).to.include('You edited the alt text. Your edits stay the current text');
    expect(card).to.include('name="replace_edits"');

    const page = await regenerate(imageId, { instructions: 'Fresh machine text' });

    expect((await current(imageId)).alt_text).to.equal('My own words about the bicycle');
    expect(await reviewedAt(imageId)).to.be.a('number');
    const rows = await versions(imageId);
    expect(rows.map((v) => [v.number, v.origin, v.state])).to.deep.equal([
      [1, 'generated', 'applied'],
      [2, 'edited', 'applied'],
      [3, 'generated', 'waiting'],
    ]);
    expect(rows[1].human_fields_json).to.equal('["alt_text"]');
    expect(rows[2].alt_text).to.equal('Fresh machine text');
    expect(page).to.include('Your edits stay; the new text will wait for you to choose.');
    expect(page).to.include('A new description is ready');
    expect(page).to.include('Fresh machine text');
    expect(page).to.include('Keep your edits');
    expect(page).to.include('Use the new text');
    expect(page).to.include('History (3 versions)');
  });

  it('"use the new text" makes it current as a new version; the edit stays in the history', async () => {
    const { imageId, batchId } = await describedImage();
    await edit(imageId, { alt_text: 'Edited once', tags: 'mine' });
    await markReviewed(imageId);
    await regenerate(imageId, { instructions: 'Newer machine text' });

    const res = await owner.agent.post(`/images/${imageId}/new-version`).type('form').send({ _csrf: owner.csrf, choice: 'use' }).expect(303);
    expect(res.headers.location).to.equal(`/batches/${batchId}#image-${imageId}`);
    const d = await current(imageId);
    expect(d.alt_text).to.equal('Newer machine text');
    expect(d.edited_at).to.equal(null);
    expect(await reviewedAt(imageId)).to.be.a('number');
    const rows = await versions(imageId);
    expect(rows.map((v) => [v.number, v.origin, v.state, v.restored_from])).to.deep.equal([
      [1, 'generated', 'applied', null],
      [2, 'edited', 'applied', null],
      [3, 'generated', 'held', null],
      [4, 'restored', 'applied', 3],
    ]);
    const page = (await owner.agent.get(`/batches/${batchId}`).expect(200)).text;
    expect(page).not.to.include('A new description is ready');
    expect(page).to.include('Now using the new text');
  });

  it('"keep your edits" leaves the current text alone and the new text in the history', async () => {
    const { imageId, batchId } = await describedImage();
    await edit(imageId, { caption: 'My caption' });
    await regenerate(imageId, { instructions: 'Not wanted' });
    await owner.agent.post(`/images/${imageId}/new-version`).type('form').send({ _csrf: owner.csrf, choice: 'keep' }).expect(303);
    expect((await current(imageId)).caption).to.equal('My caption');
    expect((await versions(imageId)).map((v) => v.state)).to.deep.equal(['applied', 'applied', 'held']);
    const page = (await owner.agent.get(`/batches/${batchId}`).expect(200)).text;
    expect(page).not.to.include('A new description is ready');
    expect(page).to.include('Not wanted');
    await owner.agent.post(`/images/${imageId}/new-version`).type('form').send({ _csrf: owner.csrf, choice: 'both' }).expect(400);
  });

  it('replaces the edits when the person ticks "replace my edits for this image", and keeps them in the history', async () => {
    const { imageId } = await describedImage();
    await edit(imageId, { alt_text: 'About to be replaced' });
    await markReviewed(imageId);
    const page = await regenerate(imageId, { instructions: 'Replacement text', replace_edits: 'on' });
    const d = await current(imageId);
    expect(d.alt_text).to.equal('Replacement text');
    expect(d.edited_at).to.equal(null);
    expect(await reviewedAt(imageId)).to.equal(null);
    expect(page).not.to.include('A new description is ready');
    expect((await versions(imageId)).map((v) => [v.origin, v.state, v.alt_text])).to.deep.equal([
      ['generated', 'applied', 'Red bicycle leaning against a brick wall on a sunny street'],
      ['edited', 'applied', 'About to be replaced'],
      ['generated', 'applied', 'Replacement text'],
    ]);
    expect(JSON.parse(String((await jobOf(t, imageId)).payload_json))).to.include({ replaceEdits: true });
  });

  it('lets new text replace text no person wrote, says beforehand that "reviewed" will be cleared, and records the options', async () => {
    const { imageId, batchId } = await describedImage();
    await markReviewed(imageId);
    const form = (await owner.agent.get(`/batches/${batchId}`).expect(200)).text;
    expect(form).to.include('The new text replaces the current text, which stays in the history, and “reviewed” is cleared.');
    await regenerate(imageId, { instructions: 'Second machine text', language: 'nl' });
    expect((await current(imageId)).alt_text).to.equal('Second machine text');
    expect(await reviewedAt(imageId)).to.equal(null);
    const rows = await versions(imageId);
    expect(rows.map((v) => v.state)).to.deep.equal(['applied', 'applied']);
    const options = JSON.parse(String((await t.deps.db('description_versions').where({ image_id: imageId, number: 2 }).first()).options_json));
    expect(options).to.deep.include({ language: 'nl', instructions: 'Second machine text', style: 'concise' });
  });

  it('restores any version as a new version and lists the history on the card', async () => {
    const { imageId, batchId } = await describedImage();
    await edit(imageId, { alt_text: 'A hand-written alt text', title: 'Mine' });
    const res = await owner.agent.post(`/images/${imageId}/versions/1/restore`).type('form').send({ _csrf: owner.csrf }).expect(303);
    expect(res.headers.location).to.equal(`/batches/${batchId}#image-${imageId}`);
    const d = await current(imageId);
    expect(d.alt_text).to.equal('Red bicycle leaning against a brick wall on a sunny street');
    expect(d.edited_at).to.equal(null);
    const rows = await versions(imageId);
    expect(rows.map((v) => [v.number, v.origin, v.restored_from])).to.deep.equal([[1, 'generated', null], [2, 'edited', null], [3, 'restored', 1]]);

    const page = (await owner.agent.get(`/batches/${batchId}`).expect(200)).text;
    expect(page).to.include('Restored version 1; the text it replaced stays in the history.');
    expect(page).to.include('History (3 versions)');
    expect(page).to.include('Restored from version 1 by you');
    expect(page).to.include('Edited by you (alt text, title)');
    expect(page).to.match(/Generated by openai \([^)]+\); language en, concise style/);
    expect(page).to.include('A hand-written alt text');
    expect(page).to.include(`action="/images/${imageId}/versions/2/restore"`);
    expect(page).not.to.include(`action="/images/${imageId}/versions/3/restore"`);

    await owner.agent.post(`/images/${imageId}/versions/2/restore`).type('form').send({ _csrf: owner.csrf }).expect(303);
    expect((await current(imageId)).alt_text).to.equal('A hand-written alt text');
    expect((await versions(imageId)).at(-1)).to.deep.include({ number: 4, origin: 'restored', restored_from: 2, human_fields_json: '["alt_text","title"]' });
    await owner.agent.post(`/images/${imageId}/versions/9/restore`).type('form').send({ _csrf: owner.csrf }).expect(404);
  });

  it('restoring a version while new text waits answers the waiting offer too', async () => {
    const { imageId, batchId } = await describedImage();
    await edit(imageId, { alt_text: 'Edited before the new text' });
    await regenerate(imageId, { instructions: 'Waiting text' });
    await owner.agent.post(`/images/${imageId}/versions/1/restore`).type('form').send({ _csrf: owner.csrf }).expect(303);
    expect((await versions(imageId)).map((v) => [v.origin, v.state])).to.deep.equal([
      ['generated', 'applied'],
      ['edited', 'applied'],
      ['generated', 'held'],
      ['restored', 'applied'],
    ]);
    expect((await owner.agent.get(`/batches/${batchId}`).expect(200)).text).not.to.include('A new description is ready');
  });

  it("answers 404 for another user's image on restore and choice, and changes nothing", async () => {
    const { imageId } = await describedImage();
    await edit(imageId, { alt_text: 'Owner text' });
    await stranger.agent.post(`/images/${imageId}/versions/1/restore`).type('form').send({ _csrf: stranger.csrf }).expect(404);
    await stranger.agent.post(`/images/${imageId}/new-version`).type('form').send({ _csrf: stranger.csrf, choice: 'use' }).expect(404);
    await owner.agent.post(`/images/${imageId}/versions/1/restore`).type('form').send({ _csrf: 'forged' }).expect(403);
    expect((await current(imageId)).alt_text).to.equal('Owner text');
    expect(await versions(imageId)).to.have.length(2);
  });

  it('adds no version for a save that changes nothing, and first keeps a result stored without history', async () => {
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    const imageId = await insertImage(t.deps.db, owner.user.id, batchId, { status: 'done' });
    await insertDescription(t.deps.db, imageId, owner.user.id);
    await edit(imageId, {});
    expect(await versions(imageId)).to.deep.equal([]);
    await edit(imageId, { alt_text: 'Changed' });
    expect((await versions(imageId)).map((v) => [v.origin, v.alt_text])).to.deep.equal([
      ['generated', 'A bald eagle on a lake shore'],
      ['edited', 'Changed'],
    ]);
  });

  it('deletes the versions with the image, and with the account', async () => {
    const { imageId } = await describedImage();
    await edit(imageId, { alt_text: 'Going away' });
    expect(await countRows(t, 'description_versions', { image_id: imageId })).to.equal(2);
    expect(await deleteImageForUser(t.deps, owner.user.id, imageId)).to.include({ name: 'photo-0.jpg' });
    expect(await countRows(t, 'description_versions', { image_id: imageId })).to.equal(0);

    const leaving = await signUp(t.app);
    const { batchId } = await seedBatch(t, {}, leaving.user.id);
    const [theirs] = await addImages(t, leaving.user.id, batchId, 1);
    await waitFor(async () => (await imageStatus(t, theirs)).status === 'done', 5000, 'their description');
    expect(await countRows(t, 'description_versions', { user_id: leaving.user.id })).to.equal(1);
    await requestAccountDeletion(t.deps, null, leaving.user.id, { actorId: leaving.user.id, immediately: true });
    expect(await countRows(t, 'description_versions', { user_id: leaving.user.id })).to.equal(0);
  });

  it("puts every version in the account export, and none of another user's", async () => {
    const { imageId } = await describedImage();
    await edit(imageId, { alt_text: 'Exported edit' });
    const { batchId } = await seedBatch(t, {}, stranger.user.id);
    const [foreign] = await addImages(t, stranger.user.id, batchId, 1);
    await waitFor(async () => (await imageStatus(t, foreign)).status === 'done', 5000, 'their description');

    const res = await owner.agent.get('/account/export').responseType('blob').expect(200);
    const entries = unzipEntries(res.body as Buffer);
    const rows = JSON.parse(entries.get('result-versions.json')!.toString('utf8')) as { image_id: string; alt_text: string }[];
    expect(rows).to.have.length(await countRows(t, 'description_versions', { user_id: owner.user.id }));
    expect(rows.some((r) => r.image_id === foreign)).to.equal(false);
    expect(rows.filter((r) => r.image_id === imageId).map((r) => r.alt_text)).to.deep.equal(['Red bicycle leaning against a brick wall on a sunny street', 'Exported edit']);
    expect(entries.get('result-versions.csv')!.toString('utf8')).to.contain('Exported edit');
  });
});
