import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { startImageServer } from '../../helpers/image-server';
import { fixture } from '../../helpers/image-fixtures';

describe('describing the images an audit found wanting', () => {
  let t: TestApp;
  let person: SignedUp;
  let site: Awaited<ReturnType<typeof startImageServer>>;
  beforeEach(async () => {
    site = await startImageServer({ '/img/IMG_2041.jpg': fixture('dog.jpg'), '/img/sofa.jpg': fixture('dog.jpg'), '/img/fine.jpg': fixture('dog.jpg') });
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${site.port}` });
    person = await signUp(t.app);
  });
  afterEach(async () => {
    await t.close();
    await site.close();
  });

  /** The report page of an audit of `rows`, and the addresses its "describe again" form carries. */
  async function audit(rows: string[][]): Promise<string[]> {
    const csv = ['image,alt', ...rows.map((row) => row.map((cell) => `"${cell}"`).join(','))].join('\n');
    const res = await person.agent.post(`/audit?_csrf=${encodeURIComponent(person.csrf)}`).attach('csv', Buffer.from(csv), 'site.csv').expect(200);
    const form = /<form method="post" action="\/audit\/describe"[\s\S]*?<\/form>/.exec(res.text)?.[0] ?? '';
    return [...form.matchAll(/name="url" value="([^"]+)"/g)].map((m) => m[1].replace(/&#58;/g, ':').replace(/&#x2F;|&#47;/g, '/'));
  }

  it('fetches each one to fix, describes them as a new batch, and names the ones it could not fetch', async () => {
    const urls = await audit([
      [site.url('/img/IMG_2041.jpg'), 'IMG_2041'],
      [site.url('/img/sofa.jpg'), 'Image of a red sofa'],
      [site.url('/img/gone.jpg'), 'gone.jpg'],
      [site.url('/img/fine.jpg'), 'A red sofa by a window'],
      ['local-only.jpg', 'local-only.jpg'],
    ]);
    expect(urls).to.deep.equal([site.url('/img/IMG_2041.jpg'), site.url('/img/sofa.jpg'), site.url('/img/gone.jpg')]);

    const res = await person.agent.post('/audit/describe').type('form').send(`_csrf=${encodeURIComponent(person.csrf)}&${urls.map((u) => `url=${encodeURIComponent(u)}`).join('&')}`).expect(303);
    const batchId = /^\/batches\/([^/?]+)$/.exec(res.headers.location)?.[1];
    expect(batchId, res.headers.location).to.be.a('string');
    const images = await t.deps.db('images').where({ batch_id: batchId, user_id: person.user.id }).orderBy('original_name');
    expect(images.map((image) => [image.original_name, image.status])).to.deep.equal([['IMG_2041.jpg', 'queued'], ['sofa.jpg', 'queued']]);
    expect(site.hits).to.include('/img/gone.jpg').and.not.to.include('/img/fine.jpg');
    const batchPage = await person.agent.get(res.headers.location).expect(200);
    expect(batchPage.text).to.contain('2 images are being described. 1 could not be fetched');
    expect(batchPage.text).to.contain('/img/gone.jpg (image_url answered 404.)'.replace('image_url', 'The address'));
  });

  it('refuses private addresses as the API does, and says so when nothing could be fetched', async () => {
    const res = await person.agent.post('/audit/describe').type('form').send({ _csrf: person.csrf, url: ['http://10.1.2.3/a.jpg', 'http://169.254.169.254/latest'] }).expect(422);
    expect(res.text).to.contain('None of the 2 addresses could be fetched');
    expect(await t.deps.db('images').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    const none = await person.agent.post('/audit/describe').type('form').send({ _csrf: person.csrf, url: 'banner.jpg' }).expect(400);
    expect(none.text).to.contain('No web address to fetch');
  });
});
