import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, logIn, csrfFrom } from '../../helpers/session';
import { csvRecords } from '../../helpers/csv';
import { seedImageWithBlob } from '../../helpers/privacy-seed';
import { insertDescriptionFor } from '../../helpers/privacy-text';
import { unzipEntries } from '../../helpers/unzip';
import { imageTraces } from '../../helpers/file-scan';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';

describe('GET /account/export', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('holds the account, settings, batches, results, receipts and audit log as JSON and CSV, and nothing of another user', async () => {
    const alice = await signUp(t.app, { email: 'alice-export@example.test', name: 'Alice' });
    const bob = await signUp(t.app, { email: 'bob-export-secret@example.test', name: 'Bob' });
    await alice.agent.post('/account/privacy').type('form').send({ _csrf: alice.csrf, image_retention: '24h', text_retention: '90' }).expect(303);

    // Processed a day ago: the clock stays put, so the signed-in sessions do not go idle.
    const mine = await seedImageWithBlob(t, { userId: alice.user.id, status: 'done', processedAgoMs: 24 * 3600_000 });
    await insertDescriptionFor(t, mine.imageId, alice.user.id, 'Alice-text-heron at dawn');
    const theirs = await seedImageWithBlob(t, { userId: bob.user.id, userRetention: '0' });
    await insertDescriptionFor(t, theirs.imageId, bob.user.id, 'Bob-secret-text');
    await expireImageBlobs(t.deps);

    const res = await alice.agent.get('/account/export').responseType('blob').expect(200);
    expect(res.headers['content-type']).to.equal('application/zip');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="?sightline-export-\d{4}-\d{2}-\d{2}\.zip"?$/);
    const entries = unzipEntries(res.body as Buffer);
    const names = [...entries.keys()].sort();
    for (const table of ['batches', 'results', 'receipts', 'audit-log']) expect(names).to.include.members([`${table}.json`, `${table}.csv`]);
    expect(names).to.include.members(['account.json', 'settings.json', 'README.txt']);

    const json = (name: string) => JSON.parse(entries.get(name)!.toString('utf8'));
    expect(json('account.json')).to.include({ id: alice.user.id, email: 'alice-export@example.test', name: 'Alice' });
    expect(json('settings.json')).to.include({ image_retention: '24h', text_retention_days: 90 });
    expect(json('batches.json').map((b: { id: string }) => b.id)).to.deep.equal([mine.batchId]);
    expect(json('results.json')).to.have.length(1);
    expect(json('results.json')[0]).to.include({ image_id: mine.imageId, alt_text: 'Alice-text-heron at dawn' });
    expect(json('receipts.json')).to.have.length(1);
    expect(json('receipts.json')[0]).to.include({ image_id: mine.imageId, reason: 'retention', retention_seconds: 86400 });
    expect(json('audit-log.json').map((e: { event: string }) => e.event)).to.include('login.success');
    expect(entries.get('results.csv')!.toString('utf8')).to.contain('Alice-text-heron at dawn');

    const everything = Buffer.concat([...entries.values()]);
    for (const foreign of ['bob-export-secret', 'Bob-secret-text', theirs.imageId, theirs.batchId]) {
      expect(everything.includes(Buffer.from(foreign)), foreign).to.equal(false);
    }
    expect(imageTraces(everything)).to.deep.equal([]);
  });

  it('holds the WordPress sites (never their password), what scans read, the writes, and translations', async () => {
    const carol = await signUp(t.app, { email: 'carol-export@example.test' });
    const other = await signUp(t.app, { email: 'dave-export@example.test' });
    const now = Date.now();
    for (const [owner, id] of [[carol.user.id, 'wps_carol'], [other.user.id, 'wps_dave']] as const) {
      await t.deps.db('wordpress_sites').insert({ id, user_id: owner, site_url: `https://${id}.example`, site_name: id, user_login: 'editor', password_encrypted: `sealed-${id}`, language: 'en', created_at: now, updated_at: now });
      await t.deps.db('wordpress_media').insert({ site_id: id, user_id: owner, media_id: 7, source_url: `https://${id}.example/a.jpg`, alt_text: `${id}-alt`, caption: '', title: '', modified_gmt: '2026-12-01T00:00:00', quality: 'weak', updated_at: now });
      await t.deps.db('wordpress_writes').insert({ site_id: id, user_id: owner, run_id: 'run_1', media_id: 7, field: 'alt_text', old_value: `${id}-alt`, new_value: `${id}-written`, current_value: null, status: 'written', error: null, attempts: 1, approved_by: owner, created_at: now });
    }
    const mine = await seedImageWithBlob(t, { userId: carol.user.id, status: 'done' });
    await insertDescriptionFor(t, mine.imageId, carol.user.id, 'Carol text');
    await t.deps.db('translations').insert({ image_id: mine.imageId, user_id: carol.user.id, language: 'de', alt_text: 'Carol Text', caption: '', title: '', description: '', created_at: now });
    const entries = unzipEntries((await carol.agent.get('/account/export').responseType('blob').expect(200)).body as Buffer);
    const json = (name: string) => JSON.parse(entries.get(name)!.toString('utf8'));
    expect(json('wordpress-sites.json')).to.have.length(1);
    expect(json('wordpress-sites.json')[0]).to.include({ site_url: 'https://wps_carol.example', user_login: 'editor' }).and.not.have.property('password_encrypted');
    expect(json('wordpress-media.json').map((m: { alt_text: string }) => m.alt_text)).to.deep.equal(['wps_carol-alt']);
    expect(json('wordpress-writes.json').map((w: { new_value: string }) => w.new_value)).to.deep.equal(['wps_carol-written']);
    expect(json('translations.json')[0]).to.include({ language: 'de', alt_text: 'Carol Text' });
    const everything = Buffer.concat([...entries.values()]);
    for (const secret of ['sealed-wps_carol', 'wps_dave']) expect(everything.includes(Buffer.from(secret)), secret).to.equal(false);
  });

  it('holds exactly the account\'s own audit rows, in JSON and CSV, while another user has more', async () => {
    const alice = await signUp(t.app, { email: 'alice-audit@example.test' });
    const bob = await signUp(t.app, { email: 'bob-audit@example.test' });
    const stranger = request.agent(t.app);
    for (let i = 0; i < 3; i += 1) {
      const csrf = await csrfFrom(stranger, '/login');
      await stranger.post('/login').type('form').send({ _csrf: csrf, email: bob.user.email, password: 'not the password' }).expect(401);
    }
    await logIn(request.agent(t.app), bob.user.email);
    const count = async (where: (q: Knex.QueryBuilder) => void) => Number((await t.deps.db('audit_events').where(where).count({ n: '*' }).first())!.n);
    const own = await count((q) => q.where({ user_id: alice.user.id }));
    const bobs = await count((q) => q.where({ user_id: bob.user.id }));
    expect(own).to.be.greaterThan(0);
    expect(bobs).to.be.greaterThan(own);

    const entries = unzipEntries((await alice.agent.get('/account/export').responseType('blob').expect(200)).body as Buffer);
    expect(JSON.parse(entries.get('audit-log.json')!.toString('utf8'))).to.have.length(own);
    expect(csvRecords(entries.get('audit-log.csv')!.toString('utf8'))).to.have.length(own);
  });

  it('sends a signed-out visitor to the sign-in page', async () => {
    const res = await request(t.app).get('/account/export').expect(303);
    expect(res.headers.location).to.equal('/login?next=%2Faccount%2Fexport');
  });
});
