import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { startS3Server } from '../helpers/s3-server';

describe('GET /healthz', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('answers JSON with the database and blob store states', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', database: 'ok', blobs: 'ok' });
  });

  it('answers 503 when the database is gone', async () => {
    const other = await buildTestApp();
    await other.deps.db.destroy();
    const res = await request(other.app).get('/healthz').expect(503);
    expect(res.body.database).to.equal('error');
  });

  it('answers 503 naming the blob store when the S3 server cannot be reached, and 200 once it is back', async () => {
    const s3 = await startS3Server();
    const withS3 = await buildTestApp(s3.env());
    try {
      await request(withS3.app).get('/healthz').expect(200);
      await s3.stop();
      const res = await request(withS3.app).get('/healthz').expect(503);
      expect(res.body).to.deep.equal({ status: 'degraded', database: 'ok', blobs: 'error' });
      await s3.start();
      await request(withS3.app).get('/healthz').expect(200);
    } finally {
      await withS3.close();
      await s3.close();
    }
  });
});
