import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { connectTestSite, startWordPress, type WordPressSite } from '../../helpers/wordpress';
import { siteMedia } from '../../../server/db/wordpress-scans';
import { runDailySites } from '../../../server/services/wordpress/daily';

describe('the daily WordPress scan', function () {
  this.timeout(120_000);
  let wp: WordPressSite;
  let fake: FakeOpenAI;
  let t: TestApp;
  let me: SignedUp;
  let siteId: string;

  before(async () => {
    [wp, fake] = await Promise.all([startWordPress(), startFakeOpenAI()]);
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${wp.port}`, DESCRIBER: 'openai', OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.baseUrl });
    me = await signUp(t.app);
    siteId = await connectTestSite(t.deps, me.user.id, wp);
  });
  after(async () => {
    await t?.close();
    await Promise.all([wp?.close(), fake?.close()]);
  });

  it('runs only for sites that asked, scans once a day, and describes new uploads into a batch that waits for review', async () => {
    await wp.seedMedia([{ title: 'first', alt: '' }, { title: 'fine', alt: 'A lighthouse on a rocky point at dusk' }]);
    expect(await runDailySites(t.deps)).to.deep.equal({ scanned: 0, described: 0 });

    await me.agent.post(`/wordpress/sites/${siteId}/daily`).type('form').send({ _csrf: me.csrf, daily: '1' }).expect(303);
    expect((await me.agent.get(`/wordpress/sites/${siteId}`)).text).to.contain('Turn the daily scan off');
    expect(await runDailySites(t.deps)).to.deep.equal({ scanned: 1, described: 1 });
    expect(await runDailySites(t.deps), 'not twice in a day').to.deep.equal({ scanned: 0, described: 0 });

    // A new upload, a day later.
    const [later] = await wp.seedMedia([{ title: 'uploaded later', alt: '' }]);
    t.clock.advance(24 * 3600_000 + 1000);
    expect(await runDailySites(t.deps)).to.deep.equal({ scanned: 1, described: 1 });
    const media = await siteMedia(t.deps.db, me.user.id, siteId);
    const image = await t.deps.db('images').where({ id: media.find((m) => m.media_id === later)!.image_id, user_id: me.user.id }).first();
    expect(image.reviewed_at).to.equal(null);
    expect(await t.deps.db('wordpress_writes').where({ user_id: me.user.id }).count({ n: '*' }).first().then((r) => Number(r?.n)), 'nothing written unreviewed').to.equal(0);
  });
});
