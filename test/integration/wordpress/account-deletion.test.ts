import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, DEFAULT_PASSWORD } from '../../helpers/session';
import { seedWordPressSite } from '../../helpers/wordpress-seed';

describe('deleting an account with a connected WordPress site', () => {
  let t: TestApp;
  beforeEach(async () => { t = await buildTestApp(); });
  afterEach(async () => t.close());

  it('removes the site, its sealed password, its scans, the copied alt text and the write record', async () => {
    const me = await signUp(t.app);
    const other = await signUp(t.app);
    await seedWordPressSite(t.deps, me.user.id, { url: 'https://shop.example.com', files: ['a.jpg', 'b.jpg', 'c.jpg'] });
    await seedWordPressSite(t.deps, other.user.id, { url: 'https://other.example.com', files: ['a.jpg', 'b.jpg', 'c.jpg'] });
    await me.agent.post('/account/delete').type('form').send({ _csrf: me.csrf, password: DEFAULT_PASSWORD, immediately: 'on' }).expect(303);
    for (const table of ['wordpress_sites', 'wordpress_scans', 'wordpress_media', 'wordpress_writes']) {
      expect(await t.deps.db(table).where({ user_id: me.user.id }).count({ n: '*' }).first().then((r) => Number(r?.n)), table).to.equal(0);
      expect(await t.deps.db(table).where({ user_id: other.user.id }).count({ n: '*' }).first().then((r) => Number(r?.n)), `${table} of another account`).to.be.above(0);
    }
  });
});
