import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { createEndpoint } from '../../../server/webhooks/endpoints';
import { createPattern } from '../../../server/patterns';
import { setQuota } from '../../../server/services/usage';
import { SCHEDULE } from '../../../jobs';
import { anonymiseAccount } from '../../../server/services/data-rights/account-deletion';

const publicAnswer = async () => [{ address: '93.184.216.34', family: 4 }];
const schema = '{"type":"object","additionalProperties":false,"required":["a"],"properties":{"a":{"type":"string"}}}';

describe('API records do not outlive their purpose', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    t = await buildTestApp();
    server = await listen(t.app);
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  const job = () => SCHEDULE.find((j) => j.name === 'purge-api-records')!;

  it('the purge-api-records job deletes stored idempotent answers after 24 hours', async () => {
    const { auth } = await userWithKey(t.deps, 'write');
    await request(server.url).post('/api/v1/batches').set('Authorization', auth).set('Idempotency-Key', 'once').send({ name: 'x' }).expect(201);
    expect(await job().run(t.deps, { atBoot: false })).to.deep.equal({ idempotencyKeys: 0, deliveries: 0 });
    t.clock.advance(24 * 3600_000);
    expect(await job().run(t.deps, { atBoot: false })).to.deep.include({ idempotencyKeys: 1 });
    expect(await t.deps.db('idempotency_keys')).to.have.length(0);
  });

  it('the job deletes finished webhook deliveries after 30 days, and keeps pending ones', async () => {
    const { userId } = await userWithKey(t.deps, 'write');
    await createEndpoint(t.deps, userId, { url: 'https://hooks.example.com/x', events: ['image.completed'] }, publicAnswer);
    const endpointId = (await t.deps.db('webhook_endpoints').first()).id;
    const now = t.clock.now().getTime();
    const row = { endpoint_id: endpointId, user_id: userId, event_type: 'image.completed', payload_json: '{}', attempts: 1, created_at: now, updated_at: now };
    await t.deps.db('webhook_deliveries').insert([
      { ...row, id: 'msg_delivered', status: 'delivered' },
      { ...row, id: 'msg_failed', status: 'failed' },
      { ...row, id: 'msg_pending', status: 'pending', next_attempt_at: now + 10 ** 12 },
    ]);
    const pending = 'msg_pending';
    t.clock.advance(31 * 86_400_000);
    expect(await job().run(t.deps, { atBoot: false })).to.deep.include({ deliveries: 2 });
    expect((await t.deps.db('webhook_deliveries')).map((d) => d.id)).to.deep.equal([pending]);
  });

  it('anonymising an account removes its keys, webhooks, deliveries, patterns, stored answers and quota', async () => {
    const { userId, auth } = await userWithKey(t.deps, 'write');
    await createEndpoint(t.deps, userId, { url: 'https://hooks.example.com/x', events: ['image.completed'] }, publicAnswer);
    await t.deps.webhooks!.stop();
    await t.deps.db('webhook_deliveries').insert({
      id: 'msg_x', endpoint_id: (await t.deps.db('webhook_endpoints').first()).id, user_id: userId, event_type: 'image.completed',
      payload_json: '{"alt":"private words"}', status: 'delivered', attempts: 1, created_at: 1, updated_at: 1,
    });
    await createPattern(t.deps, userId, { name: 'p', instructions: '', schema });
    await setQuota(t.deps, userId, 5);
    await request(server.url).post('/api/v1/batches').set('Authorization', auth).set('Idempotency-Key', 'k').send({}).expect(201);
    await anonymiseAccount(t.deps, userId);
    for (const table of ['api_keys', 'webhook_endpoints', 'webhook_deliveries', 'patterns', 'pattern_versions', 'idempotency_keys', 'usage_quotas']) {
      expect(await t.deps.db(table), table).to.have.length(0);
    }
  });
});
