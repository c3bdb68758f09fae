import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { revokeApiKey, hashApiKey, listApiKeys } from '../../../server/services/api-keys';

describe('API keys on /api/v1', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    t = await buildTestApp({ API_RATE_LIMIT_PER_MINUTE: '5' });
    server = await listen(t.app);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  function expectErrorShape(body: { error?: { code?: string; message?: string; request_id?: string } }, code: string): void {
    expect(body.error?.code).to.equal(code);
    expect(body.error?.message).to.be.a('string').and.not.equal('');
    expect(body.error?.request_id).to.match(/^req_/);
  }

  it('answers 401 in the error shape without a key', async () => {
    const res = await request(server.url).get('/api/v1/usage').expect(401);
    expectErrorShape(res.body, 'unauthorized');
    expect(res.headers['www-authenticate']).to.match(/^Bearer/);
    expect(res.headers['x-request-id']).to.equal(res.body.error.request_id);
  });

  it('answers 401 for an unknown key, a malformed header and a key of the wrong length', async () => {
    for (const header of ['Bearer sl_live_nope', 'Basic abc', 'Bearer', `Bearer sl_live_${'x'.repeat(300)}`, 'Bearer x']) {
      const res = await request(server.url).get('/api/v1/usage').set('Authorization', header).expect(401);
      expectErrorShape(res.body, 'unauthorized');
    }
  });

  it('accepts a valid key and records when it was last used', async () => {
    const { auth, userId } = await userWithKey(t.deps, 'read');
    const res = await request(server.url).get('/api/v1/usage').set('Authorization', auth).expect(200);
    expect(res.body.descriptions_created).to.equal(0);
    const [view] = await listApiKeys(t.deps, userId);
    expect(view.lastUsedAt).to.equal(t.clock.now().getTime());
  });

  it('stores only the SHA-256 of the key, with a short visible prefix', async () => {
    const { key, userId } = await userWithKey(t.deps, 'read');
    expect(key).to.match(/^sl_live_[A-Za-z0-9_-]{43}$/);
    const rows = await t.deps.db('api_keys').where({ user_id: userId });
    expect(rows[0].key_hash).to.equal(hashApiKey(key));
    expect(JSON.stringify(rows)).not.to.include(key.slice(12));
    expect(rows[0].prefix).to.equal(key.slice(0, 12));
  });

  it('refuses a revoked key on the very next request', async () => {
    const { auth, userId, keyId } = await userWithKey(t.deps, 'write');
    await request(server.url).get('/api/v1/usage').set('Authorization', auth).expect(200);
    expect(await revokeApiKey(t.deps, userId, keyId)).to.equal(true);
    const res = await request(server.url).get('/api/v1/usage').set('Authorization', auth).expect(401);
    expectErrorShape(res.body, 'unauthorized');
  });

  it('does not let one user revoke another user\'s key', async () => {
    const a = await userWithKey(t.deps, 'write');
    const b = await userWithKey(t.deps, 'write');
    expect(await revokeApiKey(t.deps, b.userId, a.keyId)).to.equal(false);
    await request(server.url).get('/api/v1/usage').set('Authorization', a.auth).expect(200);
  });

  it('answers 403 when a read key tries to write', async () => {
    const { auth } = await userWithKey(t.deps, 'read');
    const res = await request(server.url).post('/api/v1/images').set('Authorization', auth).send({}).expect(403);
    expectErrorShape(res.body, 'insufficient_scope');
  });

  it('counts requests per key with RateLimit headers, then answers 429 with Retry-After', async () => {
    // The limits count on real time: this app's window is 3 s rather than a minute.
    const windowMs = 3000;
    const own = await buildTestApp({ API_RATE_LIMIT_PER_MINUTE: '5' }, { limitRules: { apiPerKey: { points: 5, windowMs } } });
    const ownServer = await listen(own.app);
    try {
      const a = await userWithKey(own.deps, 'read');
      const b = await userWithKey(own.deps, 'read');
      const started = Date.now();
      for (let i = 1; i <= 5; i++) {
        const res = await request(ownServer.url).get('/api/v1/usage').set('Authorization', a.auth).expect(200);
        expect(res.headers['ratelimit-limit']).to.equal('5');
        expect(res.headers['ratelimit-remaining']).to.equal(String(5 - i));
        expect(Number(res.headers['ratelimit-reset'])).to.be.within(1, windowMs / 1000);
      }
      const limited = await request(ownServer.url).get('/api/v1/usage').set('Authorization', a.auth).expect(429);
      expectErrorShape(limited.body, 'rate_limited');
      expect(Number(limited.headers['retry-after'])).to.be.within(1, windowMs / 1000);
      await request(ownServer.url).get('/api/v1/usage').set('Authorization', b.auth).expect(200);
      // Once the window has passed, and not before, the key is served again.
      let status = 429;
      while (status === 429 && Date.now() - started < windowMs + 5000) {
        status = (await request(ownServer.url).get('/api/v1/usage').set('Authorization', a.auth)).status;
        if (status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).to.equal(200);
      expect(Date.now() - started).to.be.at.least(windowMs - 100);
    } finally {
      await ownServer.close();
      await own.close();
    }
  });

  it('answers unknown API paths with 404 in the error shape', async () => {
    const { auth } = await userWithKey(t.deps, 'read');
    const res = await request(server.url).get('/api/v1/nothing-here').set('Authorization', auth).expect(404);
    expectErrorShape(res.body, 'not_found');
  });
});
