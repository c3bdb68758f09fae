import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';

describe('GET /healthz', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('answers JSON with the database state', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', database: 'ok' });
  });

  it('answers 503 when the database is gone', async () => {
    const other = await buildTestApp();
    await other.deps.db.destroy();
    const res = await request(other.app).get('/healthz').expect(503);
    expect(res.body.database).to.equal('error');
  });
});
