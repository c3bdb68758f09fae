import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { signUp } from '../../helpers/session';
import { solidImage } from '../../helpers/image-fixtures';
import { startImageServer } from '../../helpers/image-server';

/** IPv6 literals that carry loopback, link-local (the metadata address) or private IPv4 addresses. */
function carriedLiterals(port: number): string[] {
  return [
    `http://[::127.0.0.1]:${port}/photo.jpg`,
    'http://[::a9fe:a9fe]/latest/meta-data/',
    'http://[::10.0.0.1]/photo.jpg',
    `http://[::ffff:127.0.0.1]:${port}/photo.jpg`,
    `http://[64:ff9b::127.0.0.1]:${port}/photo.jpg`,
    'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
    `http://[64:ff9b:1::7f00:1]:${port}/photo.jpg`,
    `http://[2002:7f00:1::]:${port}/photo.jpg`,
    'http://[2002:c0a8:101::1]/photo.jpg',
  ];
}

describe('the address guard on IPv6 literals that carry an IPv4 address, over real HTTP', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  before(async () => {
    images = await startImageServer({ '/photo.jpg': await solidImage('jpeg', 40, 30) });
    t = await buildTestApp({ SIGNUP: 'open' });
    server = await listen(t.app);
  });
  after(async () => {
    await server.close();
    await t.close();
    await images.close();
  });

  it('refuses each as image_url with 400 image_url_refused, creating nothing', async () => {
    const { auth } = await userWithKey(t.deps, 'write');
    for (const url of carriedLiterals(images.port)) {
      const res = await request(server.url).post('/api/v1/images').set('Authorization', auth).send({ image_url: url });
      expect(res.status, url).to.equal(400);
      expect(res.body.error.code, url).to.equal('image_url_refused');
    }
    expect(images.hits).to.have.length(0);
    expect(Number((await t.deps.db('images').count({ n: '*' }))[0]!.n)).to.equal(0);
  });

  it('refuses each as a webhook endpoint when it is saved', async () => {
    const { agent, csrf } = await signUp(t.app);
    for (const url of carriedLiterals(images.port)) {
      const res = await agent.post('/account/webhooks').type('form').send({ _csrf: csrf, url, events: 'image.completed' });
      expect(res.status, url).to.equal(422);
      expect(res.text, url).to.contain('private, loopback and reserved addresses are not allowed');
    }
    // The same form with a public address literal is saved: the refusals above were the address's.
    await agent.post('/account/webhooks').type('form').send({ _csrf: csrf, url: 'http://[64:ff9b::808:808]/hook', events: 'image.completed' }).expect(201);
    expect(Number((await t.deps.db('webhook_endpoints').count({ n: '*' }))[0]!.n)).to.equal(1);
  });
});
