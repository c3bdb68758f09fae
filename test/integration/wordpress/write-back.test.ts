import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { waitFor } from '../../helpers/queue-fixtures';
import { connectTestSite, startWordPress, type WordPressSite } from '../../helpers/wordpress';
import { siteMedia } from '../../../server/db/wordpress-scans';
import { setManyReviewed } from '../../../server/db/images';
import { writesOfRun } from '../../../server/db/wordpress-writes';
import { runScan, startScan } from '../../../server/services/wordpress/scan';
import { describeSelection } from '../../../server/services/wordpress/describe';
import { writeBack } from '../../../server/services/wordpress/write-back';
import { undoRun } from '../../../server/services/wordpress/undo';
import { createTeam } from '../../helpers/workspace-seed';

describe('describing a WordPress site\'s images, reviewing them and writing them back', function () {
  this.timeout(180_000);
  let wp: WordPressSite;
  let fake: FakeOpenAI;
  let t: TestApp;
  let me: SignedUp;
  let siteId: string;

  before(async () => {
    [wp, fake] = await Promise.all([startWordPress(), startFakeOpenAI()]);
    // Each image gets its own alt text, so none is "the same as another" after the write.
    let n = 0;
    fake.answer = () => ({ alt_text: `A fishing boat number ${++n} moored in the harbour`, caption: `Boat ${n} at the quay`, title: `Boat ${n}`, description: '', tags: [], filename: 'boat.jpg', text: '', decorative: false });
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${wp.port}`, DESCRIBER: 'openai', OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.baseUrl });
    me = await signUp(t.app);
    await wp.php(`update_user_meta(get_user_by('login', 'editor')->ID, 'locale', 'fr_FR'); return true;`);
    siteId = await connectTestSite(t.deps, me.user.id, wp);
    await t.deps.queue.start();
  });
  after(async () => {
    await t?.close();
    await Promise.all([wp?.close(), fake?.close()]);
  });

  async function wpAlt(id: number): Promise<string> {
    return wp.php<string>(`return get_post_meta(${id}, '_wp_attachment_image_alt', true);`);
  }

  /** Scans, describes every image to fix, waits for the descriptions, and marks them all reviewed. */
  async function describedAndReviewed(): Promise<number[]> {
    await runScan(t.deps, me.user.id, (await startScan(t.deps, me.user.id, siteId)).id);
    const { batchId } = await describeSelection(t.deps, me.user.id, siteId);
    const images = await waitFor(async () => {
      const rows = await t.deps.db('images').where({ batch_id: batchId, user_id: me.user.id });
      return rows.every((r) => r.status === 'done') ? rows : undefined;
    }, 60_000, 'descriptions');
    await setManyReviewed(t.deps.db, me.user.id, images.map((i) => i.id), Date.now(), Date.now());
    return (await siteMedia(t.deps.db, me.user.id, siteId)).filter((m) => images.some((i) => i.id === m.image_id)).map((m) => m.media_id);
  }

  it('describes in the site\'s language with the post title, writes reviewed text, records it, keeps a person\'s edit, and undoes', async () => {
    const ids = await wp.seedMedia([
      { title: 'boat-1', alt: '', post: 'Harbour festival 2026' },
      { title: 'boat-2', alt: 'photo', post: 'Harbour festival 2026' },
      { title: 'boat-3', alt: '' },
      { title: 'boat-4', alt: 'IMG_0042.jpg' },
      { title: 'good', alt: 'Two children flying a red kite on the beach' },
    ]);
    fake.requests.length = 0;
    const described = await describedAndReviewed();
    expect(described).to.deep.equal(ids.slice(0, 4));
    expect(fake.requests).to.have.length(4);
    expect(fake.requests.every((r) => /Output language:\s*fr/.test(r.text))).to.equal(true);
    expect(fake.requests.filter((r) => r.text.includes('Harbour festival 2026'))).to.have.length(2);

    // Someone fixes one image in WordPress between the scan and the write.
    await wp.php(`update_post_meta(${ids[3]}, '_wp_attachment_image_alt', 'A rowing boat pulled up on the sand'); return true;`);

    const run = await writeBack(t.deps, me.user.id, siteId, { fields: ['caption'] });
    expect(run.written).to.equal(3);
    expect(run.failed).to.deep.equal([]);
    expect(run.conflicts).to.have.length(1);
    expect(run.conflicts[0]).to.include({ mediaId: ids[3], scanned: 'IMG_0042.jpg', current: 'A rowing boat pulled up on the sand' });
    expect(await wpAlt(ids[3])).to.equal('A rowing boat pulled up on the sand');
    for (const id of ids.slice(0, 3)) expect(await wpAlt(id)).to.match(/^A fishing boat number \d+ moored in the harbour$/);
    expect(await wp.php(`return wp_get_attachment_caption(${ids[0]});`)).to.match(/^Boat \d+ at the quay$/);
    expect(await wpAlt(ids[4])).to.equal('Two children flying a red kite on the beach');

    const rows = await writesOfRun(t.deps.db, me.user.id, run.runId);
    const altOf = (id: number) => rows.find((r) => r.media_id === id && r.field === 'alt_text')!;
    expect(altOf(ids[1])).to.include({ old_value: 'photo', status: 'written', approved_by: me.user.id });
    expect(altOf(ids[3])).to.include({ status: 'conflict', current_value: 'A rowing boat pulled up on the sand' });
    expect(rows.filter((r) => r.field === 'caption' && r.status === 'written')).to.have.length(3);

    const page = await me.agent.get(`/wordpress/sites/${siteId}`);
    expect(page.text).to.contain('Not written: changed on the site to “A rowing boat pulled up on the sand”');

    // The conflict is written only when the run says so.
    const forced = await writeBack(t.deps, me.user.id, siteId, { mediaIds: [ids[3]], overwrite: true });
    expect(forced.written).to.equal(1);
    expect(await wpAlt(ids[3])).to.match(/^A fishing boat number/);

    const undo = await me.agent.post(`/wordpress/sites/${siteId}/runs/${run.runId}/undo`).type('form').send({ _csrf: me.csrf });
    expect(undo.status).to.equal(303);
    expect([await wpAlt(ids[0]), await wpAlt(ids[1]), await wpAlt(ids[2])]).to.deep.equal(['', 'photo', '']);
    expect(await wp.php(`return wp_get_attachment_caption(${ids[0]});`)).to.equal('');
    expect((await writesOfRun(t.deps.db, me.user.id, run.runId)).filter((r) => r.status === 'undone')).to.have.length(6);
    expect(await wpAlt(ids[3]), 'the other run is not undone').to.match(/^A fishing boat number/);
  });

  it('leaves alone, on undo, an image someone changed after Sightline wrote it', async () => {
    const [id] = await wp.seedMedia([{ title: 'later', alt: '' }]);
    await describedAndReviewed();
    const run = await writeBack(t.deps, me.user.id, siteId, { mediaIds: [id] });
    expect(run.written).to.equal(1);
    await wp.php(`update_post_meta(${id}, '_wp_attachment_image_alt', 'Edited by hand'); return true;`);
    const undo = await undoRun(t.deps, me.user.id, run.runId);
    expect(undo.undone).to.equal(0);
    expect(undo.conflicts).to.deep.equal([{ mediaId: id, field: 'alt_text', written: undo.conflicts[0].written, current: 'Edited by hand' }]);
    expect(await wpAlt(id)).to.equal('Edited by hand');
  });

  it('reports each image a write could not reach when the site goes down mid-run, and skips none', async () => {
    const ids = await wp.seedMedia(Array.from({ length: 60 }, (_, i) => ({ title: `down-${i}`, alt: '' })));
    await describedAndReviewed();
    const running = writeBack(t.deps, me.user.id, siteId, { mediaIds: ids });
    // Down once the first images are written (read straight from WordPress's database, not over HTTP).
    await waitFor(async () => Number(await wp.php(`return count(array_filter([${ids.join(',')}], fn($id) => get_post_meta($id, '_wp_attachment_image_alt', true) !== ''));`)) > 0 || undefined, 30_000, 'a first write');
    await wp.stop();
    const run = await running;
    await wp.start();
    expect(run.written).to.be.above(0);
    expect(run.failed.length).to.be.above(0);
    expect(run.written + run.failed.length).to.equal(60);
    for (const f of run.failed) expect(f.reason).to.match(/could not be reached|did not answer|had an error/);
    const rows = await writesOfRun(t.deps.db, me.user.id, run.runId);
    expect(new Set(rows.map((r) => r.media_id)).size, 'every image has a record').to.equal(60);
    expect(rows.filter((r) => r.status === 'failed').every((r) => r.attempts >= 3), 'retried before giving up').to.equal(true);

    // With the site back, a second run writes the rest.
    const again = await writeBack(t.deps, me.user.id, siteId, { mediaIds: run.failed.map((f) => f.mediaId) });
    expect([again.written, again.failed.length, again.conflicts.length]).to.deep.equal([run.failed.length, 0, 0]);
  });

  it('does not call its own earlier write a conflict when that write\'s answer was lost', async () => {
    const [id] = await wp.seedMedia([{ title: 'lost-answer', alt: '' }]);
    await describedAndReviewed();
    const media = (await siteMedia(t.deps.db, me.user.id, siteId)).find((m) => m.media_id === id)!;
    const ours = (await t.deps.db('descriptions').where({ image_id: media.image_id }).first()).alt_text as string;
    // The write reached WordPress; the site went down before it answered.
    await wp.php(`update_post_meta(${id}, '_wp_attachment_image_alt', ${JSON.stringify(ours)}); return true;`);
    const run = await writeBack(t.deps, me.user.id, siteId, { mediaIds: [id] });
    expect([run.written, run.conflicts.length, run.failed.length]).to.deep.equal([1, 0, 0]);
  });

  it('reports an image deleted from WordPress after the scan', async () => {
    const [id] = await wp.seedMedia([{ title: 'deleted', alt: '' }]);
    await describedAndReviewed();
    await wp.php(`wp_delete_attachment(${id}, true); return true;`);
    const run = await writeBack(t.deps, me.user.id, siteId, { mediaIds: [id] });
    expect(run.failed).to.deep.equal([{ mediaId: id, reason: 'The image was deleted from the site after the scan.' }]);
  });

  it('writes only approved text from a team workspace that requires approval, recording who approved it', async () => {
    const team = await createTeam(t.app, me, 'Shop team');
    const teamSite = await connectTestSite(t.deps, team.workspaceId, wp);
    const [id] = await wp.seedMedia([{ title: 'team-boat', alt: '' }]);
    await runScan(t.deps, team.workspaceId, (await startScan(t.deps, team.workspaceId, teamSite)).id);
    const { batchId } = await describeSelection(t.deps, team.workspaceId, teamSite);
    const images = await waitFor(async () => {
      const rows = await t.deps.db('images').where({ batch_id: batchId, user_id: team.workspaceId });
      return rows.every((r) => r.status === 'done') ? rows : undefined;
    }, 60_000, 'descriptions');
    const mine = (await siteMedia(t.deps.db, team.workspaceId, teamSite)).find((m) => m.media_id === id)!;
    const editor = team.members.editor;
    // Marked reviewed is not enough here: the editor's page refuses, and nothing reaches WordPress.
    await setManyReviewed(t.deps.db, team.workspaceId, images.map((i) => i.id), Date.now(), Date.now());
    const refused = await editor.agent.post(`/wordpress/sites/${teamSite}/write-back`).type('form').send({ _csrf: editor.csrf });
    expect(refused.status).to.equal(400);
    expect(refused.text).to.include('an editor approves the described images first');
    await team.members.contributor.agent.post(`/wordpress/sites/${teamSite}/write-back`).type('form').send({ _csrf: team.members.contributor.csrf }).expect(403);
    expect(await wpAlt(id!)).to.equal('');

    await editor.agent.post(`/images/${mine.image_id}/approval`).type('form').send({ _csrf: editor.csrf, step: 'approve' }).expect(303);
    const written = await editor.agent.post(`/wordpress/sites/${teamSite}/write-back`).type('form').send({ _csrf: editor.csrf });
    expect(written.status).to.equal(200);
    expect(await wpAlt(id!)).to.match(/^A fishing boat number/);
    const [row] = await t.deps.db('wordpress_writes').where({ site_id: teamSite, media_id: id, field: 'alt_text' });
    expect(row).to.include({ status: 'written', approved_by: editor.user.id });
  });
});
