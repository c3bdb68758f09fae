import { expect } from 'chai';
import { startWordPress, type WordPressSite } from '../../helpers/wordpress';

describe('the WordPress test site', function () {
  this.timeout(60_000);
  let wp: WordPressSite;
  before(async () => { wp = await startWordPress(); });
  after(async () => { await wp.close(); });

  it('answers the REST API with an Editor\'s Application Password and lists seeded images across pages', async () => {
    await wp.seedMedia(Array.from({ length: 120 }, (_, i) => ({ title: `Picture ${i}`, alt: i % 2 ? `A red square number ${i}` : '' })));
    const password = await wp.applicationPassword('editor');
    const auth = `Basic ${Buffer.from(`editor:${password}`).toString('base64')}`;
    const me = await fetch(`${wp.url}/wp-json/wp/v2/users/me?context=edit`, { headers: { authorization: auth } });
    expect(me.status).to.equal(200);
    expect((await me.json()).capabilities.edit_others_posts).to.equal(true);
    const page = await fetch(`${wp.url}/wp-json/wp/v2/media?media_type=image&per_page=100&context=edit`, { headers: { authorization: auth } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('x-wp-total')).to.equal('120');
    expect(page.headers.get('x-wp-totalpages')).to.equal('2');
    const items = (await page.json()) as { source_url: string }[];
    const image = await fetch(items[0].source_url);
    expect(image.headers.get('content-type')).to.match(/image\/jpeg/);
  });
});
