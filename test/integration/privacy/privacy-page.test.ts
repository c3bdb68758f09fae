import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, DEFAULT_PASSWORD } from '../../helpers/session';
import { testDatabaseKind } from '../../helpers/test-database';

/** The page's visible text, without tags, with whitespace collapsed. */
function textOf(html: string, id: string): string {
  const tag = new RegExp(`<(\\w+)[^>]*id="${id}"`).exec(html)?.[1];
  const match = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  if (!match) throw new Error(`no element #${id}`);
  return match[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
}

describe('GET /privacy', () => {
  const apps: TestApp[] = [];
  const build = async (env: Record<string, string> = {}) => {
    const t = await buildTestApp(env);
    apps.push(t);
    return t;
  };
  after(async () => Promise.all(apps.map((t) => t.close())));

  it('is public and states the default retention of 30 minutes and the local describer', async () => {
    const t = await build();
    const res = await request(t.app).get('/privacy').expect(200);
    expect(textOf(res.text, 'image-retention-default')).to.equal('30 minutes');
    expect(textOf(res.text, 'image-retention')).to.contain('deleted 30 minutes after processing');
    expect(textOf(res.text, 'destination')).to.contain('on this server');
  });

  it('says images are encrypted on disk, or names the S3-compatible store and what its versions may keep', async () => {
    const local = textOf((await request((await build()).app).get('/privacy').expect(200)).text, 'image-retention');
    expect(local).to.contain('Encrypted on disk (AES-256-GCM) and deleted 30 minutes after processing').and.not.contain('S3');
    const s3 = await build({ BLOB_STORE: 's3', S3_ENDPOINT: 'https://objects.example.net', S3_BUCKET: 'images' });
    const text = textOf((await request(s3.app).get('/privacy').expect(200)).text, 'image-retention');
    expect(text).to.contain('Encrypted on this server (AES-256-GCM), kept in an S3-compatible object store at objects.example.net (which receives only the encrypted bytes) and deleted 30 minutes after processing');
    expect(text).to.contain('If that store keeps versions or backups of deleted objects, those encrypted copies stay there');
  });

  it('shows 24 hours when IMAGE_RETENTION=24h, and the cap when MAX_IMAGE_RETENTION is set', async () => {
    const t = await build({ IMAGE_RETENTION: '24h', MAX_IMAGE_RETENTION: '7d' });
    const res = await request(t.app).get('/privacy').expect(200);
    expect(textOf(res.text, 'image-retention-default')).to.equal('24 hours');
    expect(textOf(res.text, 'image-retention')).to.contain('deleted 24 hours after processing');
    expect(textOf(res.text, 'image-retention-cap')).to.equal('7 days');
    expect(textOf(res.text, 'image-retention')).to.not.contain('until deleted');
  });

  it(`says how deleted text stops lingering: overwritten on SQLite, its key destroyed on PostgreSQL (${testDatabaseKind()})`, async () => {
    const t = await build();
    const text = textOf((await request(t.app).get('/privacy').expect(200)).text, 'deleted-text');
    if (testDatabaseKind() === 'sqlite') expect(text).to.contain('overwrites deleted rows in its file');
    else expect(text).to.contain('PostgreSQL').and.contain('unreadable within 24 hours').and.contain('a key of your account').and.contain('file names').and.contain('patterns').and.contain('not encrypted this way yet').and.not.contain('overwrites');
  });

  it('names the provider host when the describer sends images off the machine', async () => {
    const t = await build({ DESCRIBER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'https://vision.example.com/v1' });
    const res = await request(t.app).get('/privacy').expect(200);
    expect(textOf(res.text, 'destination')).to.contain('Images are sent to vision.example.com');
  });

  it('says "on this server" for a model server on loopback or a private network', async () => {
    for (const url of ['http://127.0.0.1:11434/v1', 'http://192.168.1.20:8000/v1', 'http://localhost:1234/v1', 'http://[::1]:8080/v1']) {
      const t = await build({ DESCRIBER: 'openai', OPENAI_BASE_URL: url });
      const res = await request(t.app).get('/privacy').expect(200);
      expect(textOf(res.text, 'destination'), url).to.contain('on this server');
    }
  });

  it('tells that every upload stays in memory when ZERO_RETENTION_ONLY=true', async () => {
    const t = await build({ ZERO_RETENTION_ONLY: 'true' });
    const res = await request(t.app).get('/privacy').expect(200);
    expect(textOf(res.text, 'zero-retention')).to.contain('never written to disk');
    expect(textOf(res.text, 'zero-retention')).to.contain('every upload');
  });

  it('names the session cookie the server actually sets', async () => {
    const t = await build();
    const { user } = await signUp(t.app);
    const res = await request(t.app).get('/privacy').expect(200);
    const login = await request.agent(t.app).get('/login');
    const csrf = /<meta name="csrf-token" content="([^"]*)">/.exec(login.text)?.[1] ?? '';
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const signedIn = await request(t.app)
      .post('/login')
      .set('Cookie', cookies.map((c) => c.split(';')[0]))
      .type('form')
      .send({ _csrf: csrf, email: user.email, password: DEFAULT_PASSWORD })
      .expect(303);
    const names = ([] as string[]).concat(signedIn.headers['set-cookie'] ?? [], cookies).map((c) => c.split('=')[0]);
    expect(names.length).to.be.greaterThan(0);
    for (const name of new Set(names)) expect(textOf(res.text, 'cookies')).to.contain(name);
  });
});
