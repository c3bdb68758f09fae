import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { addImages, seedBatch, waitFor } from '../../helpers/queue-fixtures';
import { fillImageFlagsJob } from '../../../jobs/fill-image-flags';
import { createTeam } from '../../helpers/workspace-seed';

/** A file name, "image of", one that is fine, and one too short. */
const ALT_TEXTS = ['photo-001.jpg', 'Image of a dog on the grass', 'A brown dog asleep on a red sofa', 'Dog'];

describe('filtering by what the alt text checks found', function () {
  this.timeout(30_000);
  let t: TestApp;
  let fake: FakeOpenAI;
  let owner: SignedUp;
  let ids: string[];
  let batchId: string;

  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    owner = await signUp(t.app);
    ({ batchId, imageIds: ids } = await seedReviewBatch(t.deps, owner.user.id, ALT_TEXTS.length, 'Flags', (i) => ALT_TEXTS[i]!));
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  const shown = async (path: string) => {
    const page = (await owner.agent.get(path).expect(200)).text;
    // Each image listed has its "Select" box, in every view.
    return ids.filter((id) => page.includes(`name="ids" value="${id}"`));
  };

  it('checks images described before flags were kept, through the scheduled job', async () => {
    expect(await t.deps.db('images').whereIn('id', ids).whereNotNull('flags').count({ n: '*' }).first().then((r) => Number(r?.n))).to.equal(0);
    expect(await fillImageFlagsJob.run(t.deps, { atBoot: false })).to.deep.equal({ checked: 4 });
    const flags = await t.deps.db('images').whereIn('id', ids).select('id', 'flags');
    expect(ids.map((id) => flags.find((f: { id: string }) => f.id === id).flags)).to.deep.equal(['file_name', 'preamble', '', 'too_short']);
    expect(await fillImageFlagsJob.run(t.deps, { atBoot: false })).to.deep.equal({ checked: 0 });
  });

  it('filters the library and the batch page by anything found, nothing found, or one check', async () => {
    expect(await shown('/images?flagged=yes')).to.deep.equal([ids[0], ids[1], ids[3]]);
    expect(await shown('/images?flagged=no')).to.deep.equal([ids[2]]);
    expect(await shown('/images?flagged=preamble&view=table')).to.deep.equal([ids[1]]);
    expect(await shown(`/batches/${batchId}?flagged=too_short&view=table`)).to.deep.equal([ids[3]]);
    expect(await shown(`/batches/${batchId}?flagged=yes`)).to.deep.equal([ids[0], ids[1], ids[3]]);
    // An unknown value is no filter at all.
    expect(await shown('/images?flagged=nonsense')).to.have.length(4);
  });

  it('follows an edit at once, and "all in this view" acts on the flagged images only', async () => {
    await owner.agent.post(`/images/${ids[1]}/alt-text`).type('form').send({ _csrf: owner.csrf, alt_text: 'A dog rolling on the grass' }).expect(303);
    expect(await shown('/images?flagged=preamble')).to.deep.equal([]);
    expect(await shown('/images?flagged=no')).to.deep.equal([ids[1], ids[2]]);
    await owner.agent.post('/images/bulk').type('form')
      .send({ _csrf: owner.csrf, action: 'review', scope: 'matching', f_scope: 'library', f_flagged: 'yes', back: '/images' }).expect(303);
    const reviewed = await t.deps.db('images').whereIn('id', ids).whereNotNull('reviewed_at').pluck('id');
    expect(reviewed.sort()).to.deep.equal([ids[0], ids[3]].sort());
  });

  it('lets a viewer who reads approved text only filter approved images only', async () => {
    const team = await createTeam(t.app, owner, 'Desk');
    const viewer = team.members.viewer;
    const { batchId: teamBatch, imageIds: [secret] } = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Vote', () => 'Image of the secret vote count');
    await fillImageFlagsJob.run(t.deps, { atBoot: false });
    const listed = async (path: string) => (await viewer.agent.get(path).expect(200)).text.includes(`value="${secret}"`);
    expect(await listed('/images?flagged=preamble')).to.equal(false);
    expect(await listed(`/batches/${teamBatch}?flagged=yes`)).to.equal(false);
    expect(await (async () => (await team.members.editor.agent.get('/images?flagged=preamble').expect(200)).text.includes(`value="${secret}"`))()).to.equal(true);
    await team.members.editor.agent.post(`/images/${secret}/approval`).type('form').send({ _csrf: team.members.editor.csrf, step: 'approve' }).expect(303);
    expect(await listed('/images?flagged=preamble')).to.equal(true);
    expect(await listed(`/batches/${teamBatch}?flagged=yes`)).to.equal(true);
  });

  // Last: the queue, once started, would describe what later tests seed.
  it('records the checks of text the queue writes', async () => {
    const { batchId: described } = await seedBatch(t, {}, owner.user.id);
    const [imageId] = await addImages(t, owner.user.id, described, 1);
    await t.deps.queue.start();
    await waitFor(async () => (await t.deps.db('images').where({ id: imageId, status: 'done' }).first('id')), 10_000, 'the image to be described');
    expect((await t.deps.db('images').where({ id: imageId }).first('flags')).flags).to.equal('');
  });
});
