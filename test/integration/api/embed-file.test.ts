import { expect } from 'chai';
import request from 'supertest';
import sharp from 'sharp';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { userWithKey } from '../../helpers/api-client';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { fixture } from '../../helpers/image-fixtures';
import { exiftool, exiftoolWrite, pixels } from '../../helpers/exiftool';
import { isPostgres, type Db } from '../../../server/db/knex';

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** Rows in every table of the database, by table name. */
async function everyTableCount(db: Db): Promise<Record<string, number>> {
  const tables: string[] = isPostgres(db)
    ? await db('information_schema.tables').where('table_schema', db.raw('current_schema()')).pluck('table_name')
    : await db('sqlite_master').where({ type: 'table' }).andWhereNot('name', 'like', 'sqlite_%').pluck('name');
  const counts = await Promise.all(tables.map(async (table) => [table, Number((await db(table).count({ n: '*' }).first())!.n)] as const));
  return Object.fromEntries(counts);
}

describe('POST /api/v1/embed-file', function () {
  this.timeout(60_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  it('answers the file sent with the text written in, keeping its other XMP, and stores nothing', async () => {
    const { auth, userId } = await userWithKey(t.deps, 'write');
    const webp = await sharp(fixture('dog.jpg')).webp().toBuffer();
    const original = exiftoolWrite(webp, 'webp', ['-XMP-xmp:Rating=5']);
    // A first call with the key, so the per-key rate limiter's own row (PostgreSQL keeps it in a table) exists before counting.
    await request(t.app).get('/api/v1/usage').set('Authorization', auth).expect(200);
    const before = await everyTableCount(t.deps.db);
    const blobsBefore = await t.deps.blobs.list();
    const res = await request(t.app).post('/api/v1/embed-file').set('Authorization', auth).attach('image', original, 'dog.webp').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('image/webp');
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['content-disposition']).to.include('dog.webp');
    const tags = exiftool(res.body as Buffer, 'webp');
    expect(tags).to.include({ 'XMP-iptcCore:AltTextAccessibility': 'Red bicycle leaning against a brick wall on a sunny street', 'XMP-xmp:Rating': 5 });
    expect((await pixels(res.body as Buffer)).equals(await pixels(original))).to.equal(true);
    const after = await everyTableCount(t.deps.db);
    expect(after.usage_events, 'the month\'s usage counts it').to.equal(before.usage_events! + 1);
    expect({ ...after, usage_events: 0 }).to.deep.equal({ ...before, usage_events: 0 });
    expect(Object.keys(after).length).to.be.greaterThan(20);
    expect(await t.deps.blobs.list()).to.deep.equal(blobsBefore);
    expect(Number((await t.deps.db('usage_events').where({ user_id: userId, kind: 'description.created', source: 'api' }).count({ n: '*' }).first())!.n)).to.equal(1);
  });

  it('refuses a file that cannot carry the text, a missing file and a read-only key, with the API\'s error shape', async () => {
    const { auth } = await userWithKey(t.deps, 'write');
    const gif = await request(t.app).post('/api/v1/embed-file').set('Authorization', auth).attach('image', Buffer.from('GIF89a....'), 'x.gif').expect(415);
    expect(gif.body.error).to.include({ code: 'unsupported_file' });
    const none = await request(t.app).post('/api/v1/embed-file').set('Authorization', auth).send({}).expect(400);
    expect(none.body.error).to.include({ code: 'no_file' });
    const reader = await userWithKey(t.deps, 'read');
    const readOnly = await request(t.app).post('/api/v1/embed-file').set('Authorization', reader.auth).attach('image', fixture('dog.jpg'), 'dog.jpg').expect(403);
    expect(readOnly.body.error).to.include({ code: 'insufficient_scope' });
  });

  it('is described in the OpenAPI document the app serves', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, { post?: { operationId: string; requestBody: { content: Record<string, unknown> } } }> };
    expect(doc.paths['/embed-file']?.post?.operationId).to.equal('embedFile');
    expect(doc.paths['/embed-file']!.post!.requestBody.content).to.have.property('multipart/form-data');
  });
});
