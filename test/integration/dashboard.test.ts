import crypto from 'node:crypto';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';

/** A batch with images in the given statuses, created `at` (epoch ms). */
async function seedBatch(t: TestApp, userId: number, name: string, at: number, statuses: string[]): Promise<void> {
  const batchId = crypto.randomBytes(12).toString('hex');
  await t.deps.db('batches').insert({ id: batchId, user_id: userId, name, options_json: '{}', created_at: at, updated_at: at });
  if (statuses.length === 0) return;
  await t.deps.db('images').insert(
    statuses.map((status, i) => ({
      id: crypto.randomBytes(12).toString('hex'),
      user_id: userId,
      batch_id: batchId,
      original_name: `photo-${i}.jpg`,
      status,
      created_at: at,
      updated_at: at,
    })),
  );
}

/** The dashboard's table rows as [batch name, "done of total"]. */
function rows(html: string): [string, string][] {
  return [...html.matchAll(/<tr>\s*<td><a href="\/batches\/[0-9a-f]+">([^<]*)<\/a><\/td>\s*<td>[^<]*<\/td>\s*<td>([^<]*)<\/td>/g)].map((m) => [m[1]!, m[2]!]);
}

describe('dashboard', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('lists only the signed-in user\'s ten newest batches with their described counts', async () => {
    const ada = await signUp(t.app, { name: 'Ada' });
    const bob = await signUp(t.app, { name: 'Bob' });
    await seedBatch(t, ada.user.id, 'Empty', 1_000, []);
    await seedBatch(t, ada.user.id, 'Mixed', 2_000, ['done', 'done', 'queued', 'failed', 'running']);
    for (let i = 0; i < 10; i += 1) await seedBatch(t, ada.user.id, `Later ${i}`, 3_000 + i, ['done']);
    await seedBatch(t, bob.user.id, 'Bob secret batch', 9_999, ['done', 'done']);

    const html = (await ada.agent.get('/').expect(200)).text;
    const listed = rows(html);
    expect(listed).to.have.length(10);
    expect(listed[0]).to.deep.equal(['Later 9', '1 of 1']);
    expect(listed.map(([name]) => name)).to.not.include('Empty');
    expect(html).to.not.contain('Bob secret batch');

    await t.deps.db('batches').where({ user_id: ada.user.id }).where('name', 'like', 'Later%').delete();
    expect(rows((await ada.agent.get('/').expect(200)).text)).to.deep.equal([
      ['Mixed', '2 of 5'],
      ['Empty', '0 of 0'],
    ]);
  });
});
