import { Writable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { closeApp, createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { csrfFrom } from '../helpers/session';

describe('request logging', () => {
  let t: TestApp;
  const lines: string[] = [];
  let app: ReturnType<typeof createApp>;
  before(async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    app = createApp({ ...t.deps, logger: createLogger('info', sink) });
  });
  after(async () => {
    await closeApp(app);
    await t.close();
  });

  it('writes one structured line per request with the id sent back as X-Request-Id', async () => {
    const res = await request(app).get('/signup').expect(200);
    const id = res.headers['x-request-id'];
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    const entry = lines.map((l) => JSON.parse(l)).find((l) => l.req?.id === id);
    expect(entry).to.include({ msg: 'request completed' });
    expect(entry.req).to.deep.equal({ id, method: 'GET', path: '/signup' });
    expect(entry.res).to.deep.equal({ statusCode: 200 });
  });

  it('never logs a password, a cookie, a CSRF token or a query-string token', async () => {
    const secretPassword = 'hunter2-but-much-longer-and-secret';
    const agent = request.agent(app);
    const csrf = await csrfFrom(agent, '/signup');
    await agent.post('/signup?invite=query-secret-token').type('form').send({ _csrf: csrf, email: 'log@example.test', password: secretPassword });
    await agent.post('/login').type('form').send({ _csrf: csrf, email: 'log@example.test', password: secretPassword });
    const all = lines.join('\n');
    expect(all).to.not.contain(secretPassword);
    expect(all).to.not.contain(csrf);
    expect(all).to.not.contain('query-secret-token');
    expect(all).to.not.contain('sightline.sid');
    expect(all).to.not.contain('log@example.test');
  });
});
