import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { solidImage } from '../../helpers/image-fixtures';
import { STALE_CLAIM_MS } from '../../../server/services/idempotency';

/**
 * A web process killed in the middle of POST /api/v1/images leaves its Idempotency-Key claimed and
 * running. The client retries with the same key, and must end with exactly one image either way.
 * The crash is reproduced by putting the claim row back in the state the dead process left it in.
 */
describe('POST /api/v1/images retried after the process answering it died', function () {
  this.timeout(30_000);
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let alice: Awaited<ReturnType<typeof userWithKey>>;
  let body: { image_base64: string; context_keywords: string };

  before(async () => {
    t = await buildTestApp();
    server = await listen(t.app);
    alice = await userWithKey(t.deps, 'write');
    body = { image_base64: (await solidImage('jpeg', 80, 60)).toString('base64'), context_keywords: 'crash' };
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  const post = (key: string) => request(server.url).post('/api/v1/images').set('Authorization', alice.auth).set('Idempotency-Key', key).send(body);
  const images = () => t.deps.db('images').where({ user_id: alice.userId }).select('id');
  const claim = (key: string) => t.deps.db('idempotency_keys').where({ user_id: alice.userId, key });

  it('answers with the image the first attempt committed, and creates no second one', async () => {
    const first = await post('died-after-commit').expect(202);
    // The process died after the image's commit, before it stored its answer.
    await claim('died-after-commit').update({ state: 'running', status_code: null, response_json: null });

    const retry = await post('died-after-commit').expect(202);
    expect(retry.body.id).to.equal(first.body.id);
    expect(retry.headers['idempotent-replayed']).to.equal('true');
    expect((await images()).filter((row) => row.id === first.body.id)).to.have.length(1);
  });

  it('runs the request again when the first attempt died before committing anything', async () => {
    const before = (await images()).length;
    const first = await post('died-before-commit').expect(202);
    // As if that attempt had died before its transaction: no image, the claim still running.
    await t.deps.db('images').where({ id: first.body.id }).delete();
    await claim('died-before-commit').update({ state: 'running', status_code: null, response_json: null, resource_id: null });

    // While the claim may still belong to a live request, a retry is told to wait.
    await post('died-before-commit').expect(409);
    t.clock.advance(STALE_CLAIM_MS + 1);
    const retry = await post('died-before-commit').expect(202);
    expect(retry.body.id).to.not.equal(first.body.id);
    expect((await images()).length).to.equal(before + 1);
    // Its answer is now the key's answer.
    const again = await post('died-before-commit').expect(202);
    expect(again.body.id).to.equal(retry.body.id);
  });

  it('makes one image of two requests sent at once with one key', async () => {
    const before = (await images()).length;
    const first = post('overtaken');
    const second = post('overtaken');
    const answers = await Promise.all([first, second]);
    const statuses = answers.map((a) => a.status).sort();
    expect([[202, 202], [202, 409]]).to.deep.include(statuses);
    const ids = new Set(answers.filter((a) => a.status === 202).map((a) => a.body.id));
    expect(ids.size).to.equal(1);
    expect((await images()).length).to.equal(before + 1);
  });
});
