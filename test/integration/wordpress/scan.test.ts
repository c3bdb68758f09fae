import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { connectTestSite, startWordPress, type MediaSeed, type WordPressSite } from '../../helpers/wordpress';
import { qualityCounts, siteMedia, findScan } from '../../../server/db/wordpress-scans';
import { findSite } from '../../../server/db/wordpress-sites';
import { resumeScans, runScan, scanNextPage, startScan, SCAN_STALE_MS } from '../../../server/services/wordpress/scan';
import { siteCredentials } from '../../../server/services/wordpress/connect';

/** 250 images: 100 without alt text, 60 weak in the ways people write it, 90 good. */
function library(): MediaSeed[] {
  const weak = ['IMG_20240101_1234.jpg', 'photo', 'image', 'ab', 'DSC_0042', 'Image of a dog'];
  return Array.from({ length: 250 }, (_, i): MediaSeed => {
    if (i < 100) return { title: `Untitled ${i}`, alt: '', author: i % 2 ? 'author' : 'admin' };
    if (i < 150) return { title: `Weak ${i}`, alt: weak[i % weak.length] };
    if (i < 160) return { title: `Twin ${i}`, alt: 'A red chair by the window' };
    return { title: `Good ${i}`, alt: `A harbour at dawn with ${i} fishing boats tied to the quay` };
  });
}

describe('scanning a WordPress media library', function () {
  this.timeout(120_000);
  let wp: WordPressSite;
  let t: TestApp;
  let me: SignedUp;
  let siteId: string;

  before(async () => {
    wp = await startWordPress();
    await wp.seedMedia(library());
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${wp.port}` });
    me = await signUp(t.app);
    siteId = await connectTestSite(t.deps, me.user.id, wp);
  });
  after(async () => {
    await t?.close();
    await wp?.close();
  });

  it('reads all 250 images across three pages and counts missing, weak and good alt text', async () => {
    const scan = await runScan(t.deps, me.user.id, (await startScan(t.deps, me.user.id, siteId)).id);
    expect(scan.status).to.equal('done');
    expect([scan.items_seen, scan.total_items, scan.total_pages]).to.deep.equal([250, 250, 3]);
    expect(await qualityCounts(t.deps.db, me.user.id, siteId)).to.deep.equal({ missing: 100, weak: 60, good: 90 });
    const media = await siteMedia(t.deps.db, me.user.id, siteId);
    const byAlt = (alt: string) => media.find((m) => m.alt_text === alt)!;
    expect(byAlt('IMG_20240101_1234.jpg').findings).to.contain('File name');
    expect(byAlt('photo').findings).to.contain('Generic word');
    expect(byAlt('ab').findings).to.contain('Too short');
    expect(byAlt('A red chair by the window').findings).to.contain('Same as another');
    expect(byAlt('Image of a dog').findings).to.contain('Starts with');
    const page = await me.agent.get(`/wordpress/sites/${siteId}`);
    expect(page.text).to.match(/data-quality="missing">100</).and.to.match(/data-quality="weak">60</).and.to.match(/data-quality="good">90</);
    expect(page.text).to.contain('The first 100 of 160 are listed');
  });

  it('asks a later scan only for what changed, and sees an alt text fixed in WordPress', async () => {
    const [first] = await siteMedia(t.deps.db, me.user.id, siteId);
    // WordPress's modification times are to the second: this edit must land after the last scan's.
    await new Promise((r) => setTimeout(r, 1100));
    await wp.php(`update_post_meta(${first.media_id}, '_wp_attachment_image_alt', 'A lighthouse on a rocky point'); wp_update_post(['ID' => ${first.media_id}]); return true;`);
    const scan = await runScan(t.deps, me.user.id, (await startScan(t.deps, me.user.id, siteId)).id);
    expect(scan.modified_after).to.be.a('string');
    // The last second of the seeding is read again (WordPress's "after" is to the second), not the library.
    expect(scan.items_seen).to.be.within(1, 249);
    expect(await qualityCounts(t.deps.db, me.user.id, siteId)).to.deep.equal({ missing: 99, weak: 60, good: 91 });
  });

  it('carries on from the page it reached when its process stopped', async () => {
    const site = (await findSite(t.deps.db, me.user.id, siteId))!;
    const started = await startScan(t.deps, me.user.id, siteId, { full: true });
    // The process saves page 1, then stops before page 2.
    await scanNextPage(t.deps, started, siteCredentials(t.deps, site));
    t.clock.advance(SCAN_STALE_MS + 1000);
    expect(await resumeScans(t.deps)).to.equal(1);
    const scan = (await findScan(t.deps.db, me.user.id, started.id))!;
    expect(scan.status).to.equal('done');
    // Pages 2 and 3 after the restart, page 1 not again: 250 images seen, not 350.
    expect(scan.items_seen).to.equal(250);
  });

  it('shows progress while it runs and starts from the page\'s button', async () => {
    const res = await me.agent.post(`/wordpress/sites/${siteId}/scans`).type('form').send({ _csrf: me.csrf, full: '1' });
    expect(res.status).to.equal(303);
    const running = await me.agent.get(`/wordpress/sites/${siteId}`);
    expect(running.text).to.match(/Scanning: \d+( of 250)? images|Last scan/);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const page = await me.agent.get(`/wordpress/sites/${siteId}`);
      if (page.text.includes('Last scan')) break;
      if (Date.now() > deadline) throw new Error('the scan did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
