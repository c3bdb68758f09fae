import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { parseCsv } from '../../helpers/csv';

const SITE_CSV = fs.readFileSync(path.join(__dirname, '../../../../test/fixtures/audit/site-alt-text.csv'));

describe('auditing existing alt text from a CSV file', () => {
  let t: TestApp;
  let person: SignedUp;
  beforeEach(async () => {
    t = await buildTestApp();
    person = await signUp(t.app);
  });
  afterEach(async () => t.close());

  const send = (file: Buffer, format = 'page', name = 'site.csv') =>
    person.agent.post(`/audit?_csrf=${encodeURIComponent(person.csrf)}`).field('format', format).attach('csv', file, { filename: name, contentType: 'text/csv' }).buffer(true);

  it('reports each problem with its count and the rows to fix, and stores nothing', async () => {
    const res = await send(SITE_CSV, 'page', 'shop export.csv').expect(200);
    expect(res.text).to.contain('Report on shop export.csv');
    const totals = [...res.text.matchAll(/<dt>([^<]+)<\/dt><dd>([^<]+)<\/dd>/g)].map((m) => `${m[1]}: ${m[2]}`);
    expect(totals).to.deep.equal(['Images checked: 6', 'To fix: 5', 'Fine: 1']);
    const rules = [...res.text.matchAll(/<tr data-rule="([a-z_]+)"><td>[^<]+<\/td><td>(\d+)<\/td>/g)].map((m) => `${m[1]}=${m[2]}`).sort();
    expect(rules).to.deep.equal(['all_capitals=1', 'empty=1', 'file_name=1', 'keyword_stuffing=1', 'preamble=1']);
    expect([...res.text.matchAll(/<tr data-line="(\d+)">/g)].map((m) => Number(m[1]))).to.deep.equal([2, 3, 4, 6, 7]);
    expect(res.text).to.contain('Starts with “image of” or similar');
    expect(res.text).not.to.contain('Our team of six');
    for (const table of ['batches', 'images', 'descriptions', 'jobs']) expect(await t.deps.db(table).count({ n: '*' }).first(), table).to.deep.equal({ n: 0 });
  });

  it('hands the report out as CSV and as a web page to keep', async () => {
    const csv = await send(SITE_CSV, 'csv').expect(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    expect(csv.headers['content-disposition']).to.match(/^attachment; filename="alt-text-audit-\d{4}-\d\d-\d\d\.csv"/);
    const [header, ...rows] = parseCsv(csv.text);
    expect(header).to.deep.equal(['line', 'image', 'alt_text', 'problems', 'reasons']);
    expect(rows.map((row) => [row[0], row[3]])).to.deep.equal([['2', 'File name'], ['3', 'Starts with “image of”'], ['4', 'Keywords'], ['6', 'Empty'], ['7', 'All capitals']]);
    expect(rows[1][2]).to.equal('Image of a red sofa, in a bright room');

    const html = await send(SITE_CSV, 'html').expect(200);
    expect(html.headers['content-type']).to.match(/^text\/html/);
    expect(html.headers['content-disposition']).to.match(/^attachment; filename="alt-text-audit-\d{4}-\d\d-\d\d\.html"/);
    expect(html.text).to.match(/^<!doctype html>/);
    expect(html.text).to.contain('<h1>Alt text audit of site.csv</h1>');
    expect([...html.text.matchAll(/<tr data-line="(\d+)">/g)]).to.have.length(5);
    expect(html.text).not.to.match(/<script|<link /);
  });

  it('says what is wrong with a file it cannot use, on the form', async () => {
    const missing = await send(Buffer.from('picture,description\na.jpg,A cat\n')).expect(400);
    expect(missing.text).to.contain('The first row must name the columns');
    const broken = await send(Buffer.from('image,alt\n"a.jpg,A cat\n')).expect(400);
    expect(broken.text).to.contain('This file is not CSV that can be read');
    const empty = await send(Buffer.alloc(0)).expect(400);
    expect(empty.text).to.contain('The file is empty');
    const none = await person.agent.post(`/audit?_csrf=${encodeURIComponent(person.csrf)}`).field('format', 'page').expect(400);
    expect(none.text).to.contain('Choose a CSV file to check');
    const rows = ['image,alt', ...Array.from({ length: 20_001 }, (_, i) => `p${i}.jpg,A photo`)].join('\n');
    const tooMany = await send(Buffer.from(rows)).expect(400);
    expect(tooMany.text).to.contain('The file has 20,001 rows; one import takes up to 20,000');
    const tooLarge = await send(Buffer.alloc(5 * 1024 * 1024 + 1, 'a')).expect(413);
    expect(tooLarge.text).to.contain('larger than 5 MB');
    for (const res of [missing, broken, empty, none, tooMany, tooLarge]) expect(res.text).to.contain('id="audit-form"');
  });

  it('is for signed-in people, with the form\'s token', async () => {
    const stranger = await request(t.app).get('/audit').expect(303);
    expect(stranger.headers.location).to.match(/^\/login/);
    await person.agent.post('/audit').attach('csv', SITE_CSV, 'site.csv').expect(403);
  });
});
