import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, logIn, DEFAULT_PASSWORD } from '../../helpers/session';
import { seedImageWithBlob, blobFilesOnDisk } from '../../helpers/privacy-seed';
import { databaseBytes } from '../../helpers/file-scan';
import { itOnSqlite } from '../../helpers/test-database';
import { insertDescriptionFor } from '../../helpers/privacy-text';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';
import { finishAccountDeletions } from '../../../server/services/data-rights/account-deletion';

const DAY = 24 * 3600 * 1000;

describe('deleting an account', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  async function userWithContent(email: string, altText: string) {
    const signed = await signUp(t.app, { email, name: 'Bobby Tables' });
    const kept = await seedImageWithBlob(t, { userId: signed.user.id, userRetention: 'forever' });
    await insertDescriptionFor(t, kept.imageId, signed.user.id, altText);
    const expired = await seedImageWithBlob(t, { userId: signed.user.id, batchId: kept.batchId, userRetention: 'forever', status: 'queued', processedAgoMs: null, createdAgoMs: 8 * DAY });
    await expireImageBlobs(t.deps); // a retention receipt for the second image
    return { ...signed, kept, expired };
  }

  const remove = (agent: ReturnType<typeof request.agent>, csrf: string, body: Record<string, string>) =>
    agent.post('/account/delete').type('form').send({ _csrf: csrf, ...body });

  it('refuses without the current password and changes nothing', async () => {
    const bob = await signUp(t.app);
    await remove(bob.agent, bob.csrf, { password: 'wrong password' }).expect(422);
    await bob.agent.get('/account').expect(200);
    expect((await t.deps.db('users').where({ id: bob.user.id }).first()).deletion_requested_at).to.equal(null);
  });

  it('signs out everywhere at once, and signing in during the grace period restores the account', async () => {
    const bob = await signUp(t.app);
    const otherDevice = request.agent(t.app);
    await logIn(otherDevice, bob.user.email);
    await remove(bob.agent, bob.csrf, { password: DEFAULT_PASSWORD }).expect(303);
    expect((await bob.agent.get('/account')).headers.location).to.equal('/login?next=%2Faccount');
    expect((await otherDevice.get('/account')).headers.location).to.equal('/login?next=%2Faccount');
    expect(await t.deps.db('sessions').where({ user_id: bob.user.id })).to.deep.equal([]);

    t.clock.advance(29 * DAY);
    await finishAccountDeletions(t.deps);
    await logIn(otherDevice, bob.user.email);
    const row = await t.deps.db('users').where({ id: bob.user.id }).first();
    expect(row).to.include({ email: bob.user.email, deletion_requested_at: null, deletion_due_at: null, anonymised_at: null });
    t.clock.advance(2 * DAY);
    expect(await finishAccountDeletions(t.deps)).to.deep.equal({ anonymised: 0, keysDestroyed: 0 });
  });

  itOnSqlite('anonymises after 30 days: email, name and generated text are nowhere in the database file or its WAL', async () => {
    const email = 'bob-marker-7f3a@example.test';
    const altText = 'Lighthouse-marker-91c2 on a granite cliff';
    const bob = await userWithContent(email, altText);
    await request(t.app).get('/privacy'); // someone else keeps using the app
    expect((await databaseBytes(t)).includes(Buffer.from(altText))).to.equal(true);

    await remove(bob.agent, bob.csrf, { password: DEFAULT_PASSWORD }).expect(303);
    t.clock.advance(30 * DAY);
    expect(await finishAccountDeletions(t.deps)).to.deep.equal({ anonymised: 1, keysDestroyed: 0 });

    const bytes = await databaseBytes(t);
    expect(bytes.includes(Buffer.from(email)), 'email').to.equal(false);
    expect(bytes.includes(Buffer.from('Bobby Tables')), 'name').to.equal(false);
    expect(bytes.includes(Buffer.from('Lighthouse-marker-91c2')), 'text').to.equal(false);
    expect(blobFilesOnDisk(t)).to.deep.equal([]);
    expect(await t.deps.db('deletion_receipts').where({ user_id: bob.user.id })).to.deep.equal([]);
    expect(await t.deps.db('deletion_receipts').whereNotNull('user_id')).to.deep.equal([]);
    const audit = await t.deps.db('audit_events');
    expect(audit.length).to.be.greaterThan(0);
    expect(audit.every((e) => e.user_id === null && e.ip === null && e.user_agent === null)).to.equal(true);
    await bob.agent.post('/login').type('form').send({ email, password: DEFAULT_PASSWORD });
    expect((await bob.agent.get('/account')).headers.location).to.equal('/login?next=%2Faccount');
  });

  it('"delete now" skips the grace period', async () => {
    const email = 'carol-marker-22b1@example.test';
    const carol = await userWithContent(email, 'Kestrel-marker-5d0e hovering');
    await remove(carol.agent, carol.csrf, { password: DEFAULT_PASSWORD, immediately: 'on' }).expect(303);
    const bytes = await databaseBytes(t);
    expect(bytes.includes(Buffer.from(email))).to.equal(false);
    expect(bytes.includes(Buffer.from('Kestrel-marker-5d0e'))).to.equal(false);
    expect(blobFilesOnDisk(t)).to.deep.equal([]);
  });

  it('lets an admin delete another user\'s account, now or after the grace period', async () => {
    const admin = await signUp(t.app);
    const dave = await userWithContent('dave-marker@example.test', 'Otter-marker-aa41');
    const erin = await signUp(t.app);
    await admin.agent.post(`/admin/users/${dave.user.id}/delete`).type('form').send({ _csrf: admin.csrf, immediately: 'on' }).expect(303);
    await admin.agent.post(`/admin/users/${erin.user.id}/delete`).type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await databaseBytes(t)).includes(Buffer.from('dave-marker@example.test'))).to.equal(false);
    expect((await t.deps.db('users').where({ id: erin.user.id }).first()).deletion_due_at).to.equal(t.clock.now().getTime() + 30 * DAY);
    expect((await erin.agent.get('/account')).headers.location).to.equal('/login?next=%2Faccount');
    await erin.agent.post(`/admin/users/${admin.user.id}/delete`).type('form').send({ _csrf: erin.csrf }).expect(403);
    expect((await t.deps.db('users').where({ id: admin.user.id }).first()).deletion_requested_at).to.equal(null);
  });
});
