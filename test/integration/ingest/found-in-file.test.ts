import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { describedBefore } from '../../helpers/described-file';

describe('the descriptions a file already carried, on its image page', () => {
  let t: TestApp;
  let me: SignedUp;
  before(async () => {
    t = await buildTestApp();
    me = await signUp(t.app);
  });
  after(async () => t.close());

  it('reads alt text, title, caption and keywords at upload and lists them on /images/:id, escaped', async () => {
    await me.agent.post(`/images?_csrf=${encodeURIComponent(me.csrf)}`).attach('images', describedBefore(), 'dog.jpg').expect(303);
    const { id } = (await t.deps.db('images').where({ user_id: me.user.id }).first()) as { id: string };
    const page = await me.agent.get(`/images/${id}`).expect(200);
    const found = /<section class="found-in-file"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
    expect(found).to.include('Found in the file when it was uploaded');
    expect(found).to.match(/<dt>Alt text<\/dt><dd>A dog &lt;b&gt;asleep&lt;\/b&gt; &amp; dreaming<\/dd>/);
    expect(found).to.include('<dt>Title</dt><dd>Dog on a rug</dd>');
    expect(found).to.include('<dt>Caption</dt><dd>Sunday afternoon on the rug.</dd>');
    expect(found).to.include('<dt>Keywords</dt><dd>dog, rug</dd>');
    expect(page.text).to.not.include('<b>asleep</b>');
  });
});
