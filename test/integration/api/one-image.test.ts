import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { blobFilesOnDisk } from '../../helpers/privacy-seed';
import { solidImage } from '../../helpers/image-fixtures';

describe('POST /api/v1/images takes one image per request', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let alice: Awaited<ReturnType<typeof userWithKey>>;
  let jpeg: Buffer;
  before(async () => {
    t = await buildTestApp();
    server = await listen(t.app);
    alice = await userWithKey(t.deps, 'write');
    jpeg = await solidImage('jpeg', 40, 30);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  it('answers 400 for two "image" parts, saying so, and keeps neither', async () => {
    const res = await request(server.url)
      .post('/api/v1/images')
      .set('Authorization', alice.auth)
      .attach('image', jpeg, 'one.jpg')
      .attach('image', jpeg, 'two.jpg')
      .expect(400);
    expect(res.body.error.code).to.equal('limit_file_count');
    expect(res.body.error.message).to.equal('Send one image per request: this endpoint takes a single "image" part. Nothing was uploaded.');
    expect(await t.deps.db('images')).to.deep.equal([]);
    expect(blobFilesOnDisk(t)).to.deep.equal([]);
  });

  it('still takes a single "image" part', async () => {
    const res = await request(server.url).post('/api/v1/images').set('Authorization', alice.auth).attach('image', jpeg, 'one.jpg').expect(202);
    expect(res.body.original_name).to.equal('one.jpg');
  });
});
