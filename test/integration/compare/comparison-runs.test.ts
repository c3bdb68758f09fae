import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, defaultAnswer, type FakeOpenAI } from '../../helpers/fake-openai';
import { createTeam, switchTo } from '../../helpers/workspace-seed';
import { seedComparison } from '../../helpers/comparison-seed';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { unzipEntries } from '../../helpers/unzip';
import { waitFor } from '../../helpers/queue-fixtures';

/** Reads until `check` holds (or fails the test at the deadline); answers what was read. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  return waitFor(async () => {
    const value = await read();
    return check(value) ? { value } : undefined;
  }, ms, 'the comparison results').then((found) => found.value);
}

/** Each image's section of the results page, as the letter → alt text a reviewer sees. */
function cellsOf(html: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const section of html.split('<section class="card comparison-image"').slice(1)) {
    const imageId = /id="image-([^"]+)"/.exec(section)![1]!;
    const cells = new Map<string, string>();
    for (const m of section.matchAll(/Result ([A-D])[^<]*<\/h3>\s*<p class="comparison-text">([^<]*)<\/p>/g)) cells.set(m[1]!, m[2]!);
    out.set(imageId, cells);
  }
  return out;
}

describe('comparing describers on your own images', function () {
  this.timeout(60_000);
  let fast: FakeOpenAI;
  let slow: FakeOpenAI;
  let t: TestApp;
  let admin: SignedUp;

  before(async () => {
    fast = await startFakeOpenAI({ latencyMs: 20, usage: { prompt_tokens: 1000, completion_tokens: 200 } });
    slow = await startFakeOpenAI({ latencyMs: 400, usage: { prompt_tokens: 400, completion_tokens: 50 } });
    fast.answer = (req) => ({ ...defaultAnswer(req), alt_text: 'Fast server text' });
    slow.answer = (req) => ({ ...defaultAnswer(req), alt_text: 'Slow server text' });
    // The app's own describer is a third server: a comparison must not use it.
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: '127.0.0.1', QUEUE_CONCURRENCY: '2' });
    admin = await signUp(t.app);
  });
  after(async () => {
    await t.close();
    await fast.close();
    await slow.close();
  });

  const addDescriber = (fields: Record<string, string>) => admin.agent.post('/admin/describers').type('form').send({ _csrf: admin.csrf, ...fields });

  it('stores a server with its key sealed, never shows the key, and refuses a private address or a bad price', async () => {
    const added = await addDescriber({ name: 'Fast box', base_url: fast.baseUrl, model: 'fast-model', api_key: 'sk-fast-secret-123', price_input: '2.5', price_output: '10' });
    expect(added.status).to.equal(303);
    const page = await admin.agent.get('/admin/describers');
    expect(page.text).to.include('Fast box').and.include('Stored, sealed').and.include('Embedded (offline)');
    expect(page.text).not.to.include('sk-fast-secret-123');
    const row = await t.deps.db('describer_configs').where({ name: 'Fast box' }).first();
    expect(row.api_key_sealed).to.be.a('string').and.not.include('sk-fast-secret');
    expect(Buffer.from(row.api_key_sealed, 'base64').toString('latin1')).not.to.include('sk-fast-secret');

    const privateAddress = await addDescriber({ name: 'Inside', base_url: 'http://10.1.2.3:11434/v1', model: 'llava' });
    expect(privateAddress.status).to.equal(422);
    expect(privateAddress.text).to.include('ALLOWED_INTERNAL_HOSTS');
    const badPrice = await addDescriber({ name: 'Priced', base_url: slow.baseUrl, model: 'm', price_input: '-3' });
    expect(badPrice.status).to.equal(422);
    expect(badPrice.text).to.include('price per million tokens');
    expect((await t.deps.db('describer_configs').select('name')).map((r) => r.name)).to.deep.equal(['Fast box']);
    const privacy = await admin.agent.get('/privacy');
    expect(privacy.text).to.match(/id="comparison-destinations">[^<]*also sent to 127\.0\.0\.1:\d+/);
  });

  it('describes each image with each describer through the queue, with time, tokens and cost, leaving the images as they were', async () => {
    expect((await addDescriber({ name: 'Slow box', base_url: slow.baseUrl, model: 'slow-model', price_input: '0.5', price_output: '1' })).status).to.equal(303);
    const keys = (await t.deps.db('describer_configs').orderBy('created_at').select('id', 'name')).map((r) => r.id as string);
    const { batchId, imageIds } = await seedReviewBatch(t.deps, admin.user.id, 4, 'Sample');
    await t.deps.queue.start();
    const started = await admin.agent.post('/admin/comparisons').type('form').send({ _csrf: admin.csrf, describers: keys, batch_id: batchId, count: '3' });
    expect(started.status).to.equal(303);
    const id = /\/comparisons\/(cmp_[\w-]+)$/.exec(started.headers.location)![1]!;

    const rows = await until(
      () => t.deps.db('comparison_results').where({ comparison_id: id }).select('*'),
      (all) => all.length === 6 && all.every((r) => r.status === 'done'),
    );
    expect(rows.map((r) => r.status)).to.deep.equal(Array(6).fill('done'));
    // The batch's first three in the order its page lists them (the clock stands still, so by id).
    const firstThree = (await t.deps.db('images').where({ batch_id: batchId }).orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(3).select('id')).map((r) => r.id as string);
    expect(new Set(rows.map((r) => r.image_id))).to.deep.equal(new Set(firstThree));
    const [fastKey, slowKey] = keys;
    for (const r of rows.filter((x) => x.describer_key === fastKey)) {
      expect([Number(r.input_tokens), Number(r.output_tokens)]).to.deep.equal([1000, 200]);
      expect(Number(r.cost)).to.be.closeTo((1000 * 2.5 + 200 * 10) / 1e6, 1e-12);
      expect(Number(r.duration_ms)).to.be.below(400);
    }
    for (const r of rows.filter((x) => x.describer_key === slowKey)) {
      expect([Number(r.input_tokens), Number(r.output_tokens)]).to.deep.equal([400, 50]);
      expect(Number(r.cost)).to.be.closeTo((400 * 0.5 + 50 * 1) / 1e6, 1e-12);
      expect(Number(r.duration_ms)).to.be.at.least(400);
    }
    expect(fast.requests).to.have.length(3);
    expect(slow.requests).to.have.length(3);
    expect(fast.requests.every((r) => r.headers.authorization === 'Bearer sk-fast-secret-123')).to.equal(true);
    expect(fast.requests.every((r) => r.body.model === 'fast-model')).to.equal(true);
    // Each job ran once, and the images kept their own text and state.
    const jobs = await t.deps.db('jobs').where({ kind: 'compare' }).select('status', 'attempts');
    expect(jobs.map((j) => [j.status, Number(j.attempts)])).to.deep.equal(Array(6).fill(['done', 1]));
    const images = await t.deps.db('images').whereIn('id', imageIds).orderBy('id').select('status');
    expect(images.map((i) => i.status)).to.deep.equal(Array(4).fill('done'));
    const texts = await t.deps.db('descriptions').whereIn('image_id', imageIds).select('alt_text');
    expect(texts.map((d) => d.alt_text).sort()).to.deep.equal(['Photo 1', 'Photo 2', 'Photo 3', 'Photo 4']);

    // Blind: letters only, in an order that does not name the describer; then a vote per image.
    const blind = await admin.agent.get(`/comparisons/${id}`);
    expect(blind.status).to.equal(200);
    expect(blind.text).not.to.include('Fast box').and.not.to.include('Slow box');
    const cells = cellsOf(blind.text);
    expect([...cells.keys()]).to.deep.equal(firstThree);
    const fastLetters = [...cells.values()].map((c) => [...c.entries()].find(([, text]) => text === 'Fast server text')![0]);
    expect(new Set([...cells.values()].map((c) => [...c.keys()].sort().join('')))).to.deep.equal(new Set(['AB']));
    for (const [imageId, letters] of cells) {
      const letter = [...letters.entries()].find(([, text]) => text === 'Fast server text')![0];
      const vote = await admin.agent.post(`/comparisons/${id}/votes`).type('form').send({ _csrf: admin.csrf, image_id: imageId, choice: letter });
      expect(vote.status).to.equal(303);
    }
    expect(fastLetters).to.have.length(3);
    const votes = await t.deps.db('comparison_votes').where({ comparison_id: id }).select('describer_key');
    expect(votes.map((v) => v.describer_key)).to.deep.equal([fastKey, fastKey, fastKey]);

    // Every image voted on: names, figures and the preference appear.
    const revealed = await admin.agent.get(`/comparisons/${id}`);
    expect(revealed.text).to.include('Result A: ').and.include('Fast box').and.include('Slow box');
    expect(revealed.text).to.match(/Fast box \(fast-model\)[\s\S]*?3 of 3 votes/);
    expect(revealed.text).to.match(/Slow box \(slow-model\)[\s\S]*?0 of 3 votes/);
    expect(revealed.text).to.include(((1000 * 2.5 + 200 * 10) / 1e6 * 3).toFixed(6));

    // The workspace's export holds the results and the votes.
    const zip = unzipEntries((await admin.agent.get('/account/export').responseType('blob').expect(200)).body as Buffer);
    const json = (name: string) => JSON.parse(zip.get(name)!.toString('utf8')) as Record<string, unknown>[];
    expect(json('comparison-results.json').filter((r) => r.comparison_id === id).map((r) => r.alt_text).sort())
      .to.deep.equal([...Array(3).fill('Fast server text'), ...Array(3).fill('Slow server text')]);
    expect(json('comparison-votes.json').map((v) => [v.describer_key, v.voter_id])).to.deep.equal(Array(3).fill([fastKey, admin.user.id]));
  });

  it('refuses a vote for an image outside the run, and keeps comparisons from other workspaces and non-admins', async () => {
    const [run] = await t.deps.db('comparisons').select('id');
    const { imageIds } = await seedReviewBatch(t.deps, admin.user.id, 1, 'Other');
    const outside = await admin.agent.post(`/comparisons/${run.id}/votes`).type('form').send({ _csrf: admin.csrf, image_id: imageIds[0], choice: 'A' });
    expect(outside.status).to.equal(400);
    const member = await signUp(t.app);
    expect((await member.agent.get(`/comparisons/${run.id}`)).status).to.equal(404);
    expect((await member.agent.post(`/comparisons/${run.id}/votes`).type('form').send({ _csrf: member.csrf, image_id: imageIds[0], choice: 'A' })).status).to.equal(404);
    expect((await member.agent.get('/admin/describers')).status).to.equal(403);
    expect((await member.agent.post('/admin/comparisons').type('form').send({ _csrf: member.csrf })).status).to.equal(403);
  });

  it('lets a team workspace\'s reviewers vote, blind and each in an order of their own, and not its viewers', async () => {
    const team = await createTeam(t.app, admin, 'Reviewers');
    const run = await seedComparison(t.deps, team.workspaceId, { count: 2 });
    await team.members.viewer.agent.get(`/comparisons/${run.id}`).expect(403);
    await team.members.viewer.agent.get('/comparisons').expect(403);
    const listed = await team.members.contributor.agent.get('/comparisons').expect(200);
    expect(listed.text).to.include(`/comparisons/${run.id}`);
    const blind = await team.members.contributor.agent.get(`/comparisons/${run.id}`).expect(200);
    expect(blind.text).not.to.include('GPU box in the office');
    const imageIds = [...blind.text.matchAll(/name="image_id" value="([A-Za-z0-9_-]+)"/g)].map((m) => m[1]!);
    expect(new Set(imageIds).size).to.equal(2);
    for (const imageId of new Set(imageIds)) {
      await team.members.contributor.agent.post(`/comparisons/${run.id}/votes`).type('form').send({ _csrf: team.members.contributor.csrf, image_id: imageId, choice: 'A' }).expect(303);
    }
    const votes = await t.deps.db('comparison_votes').where({ comparison_id: run.id }).select('voter_id');
    expect(votes.map((v: { voter_id: number }) => v.voter_id)).to.deep.equal([team.members.contributor.user.id, team.members.contributor.user.id]);
    // Back to the administrator's own workspace, where the other tests compare.
    await switchTo(admin, admin.user.id);

  });

  it('ends a result as failed with the reason when its server refuses, and still describes with the others', async () => {
    const refusing = await startFakeOpenAI();
    refusing.repeat({ kind: 'error', status: 401 }, 10);
    try {
      expect((await addDescriber({ name: 'Wrong key', base_url: refusing.baseUrl, model: 'm', api_key: 'bad' })).status).to.equal(303);
      const keys = (await t.deps.db('describer_configs').whereIn('name', ['Fast box', 'Wrong key']).select('id')).map((r) => r.id as string);
      const { batchId, imageIds } = await seedReviewBatch(t.deps, admin.user.id, 1, 'One');
      const started = await admin.agent.post('/admin/comparisons').type('form').send({ _csrf: admin.csrf, describers: keys, batch_id: batchId, count: '1' });
      const id = /(cmp_[\w-]+)$/.exec(started.headers.location)![1]!;
      const rows = await until(
        () => t.deps.db('comparison_results').where({ comparison_id: id }).select('status', 'error', 'describer_key'),
        (all) => all.every((r) => r.status !== 'queued'),
      );
      expect(rows.map((r) => r.status).sort()).to.deep.equal(['done', 'failed']);
      expect(rows.find((r) => r.status === 'failed')!.error).to.include('refused our credentials (401)');
      expect((await t.deps.db('images').where({ id: imageIds[0] }).first('status')).status).to.equal('done');
      const page = await admin.agent.get(`/comparisons/${id}`);
      expect(page.text).to.include('Failed: The model server refused our credentials (401)');
    } finally {
      await refusing.close();
    }
  });
});

describe('the upload page\'s estimate from measured comparison figures', function () {
  this.timeout(60_000);
  let server: FakeOpenAI;
  let t: TestApp;

  before(async () => {
    server = await startFakeOpenAI({ latencyMs: 250, usage: { prompt_tokens: 2000, completion_tokens: 500 } });
    // The app describes with this same server and model, two images at once.
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: '127.0.0.1', DESCRIBER: 'openai', OPENAI_BASE_URL: server.baseUrl, OPENAI_MODEL: 'measured-model', QUEUE_CONCURRENCY: '2' });
  });
  after(async () => {
    await t.close();
    await server.close();
  });

  it('says there is no measurement yet, then gives the measured time and cost per image of the describer in use', async () => {
    const admin = await signUp(t.app);
    await admin.agent.post('/images/consent').type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await admin.agent.get('/images/new')).text).to.include('no measurement yet for this describer');

    const add = (name: string, model: string) => admin.agent.post('/admin/describers').type('form')
      .send({ _csrf: admin.csrf, name, base_url: `${server.baseUrl}/`, model, price_input: '1', price_output: '4' }).expect(303);
    await add('Same server', 'measured-model');
    await add('Other model', 'other-model');
    const keys = (await t.deps.db('describer_configs').orderBy('created_at').select('id')).map((r) => r.id as string);
    const { batchId } = await seedReviewBatch(t.deps, admin.user.id, 2, 'Sample');
    await t.deps.queue.start();
    await admin.agent.post('/admin/comparisons').type('form').send({ _csrf: admin.csrf, describers: keys, batch_id: batchId, count: '2' }).expect(303);
    await until(() => t.deps.db('comparison_results').where({ status: 'done' }).count({ n: '*' }).first(), (r) => Number(r?.n) === 4);

    const rows = await t.deps.db('comparison_results').where({ describer_key: keys[0] }).select('duration_ms');
    const averageMs = rows.reduce((sum, r) => sum + Number(r.duration_ms), 0) / rows.length;
    const page = (await admin.agent.get('/images/new')).text;
    const estimate = /<p class="hint" data-estimate data-ms-per-image="(\d+)" data-cost-per-image="([\d.e-]+)" data-concurrency="(\d+)">\s*Estimate: about ([\d.]+) s and a cost of ([\d.]+) per image, measured on (\d+) images/.exec(page);
    expect(estimate, 'the estimate paragraph').not.to.equal(null);
    const [, ms, cost, concurrency, , shownCost, measured] = estimate!;
    // Only the results of the configured server with the same address and model count.
    expect(Number(ms)).to.equal(Math.round(averageMs));
    expect(Number(ms)).to.be.at.least(250);
    expect(Number(cost)).to.be.closeTo((2000 * 1 + 500 * 4) / 1e6, 1e-12);
    expect(shownCost).to.equal('0.004000');
    expect([Number(concurrency), Number(measured)]).to.deep.equal([2, 2]);
  });
});
