import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { workingCopyBlobs } from '../../helpers/privacy-seed';
import * as fx from '../../helpers/image-fixtures';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';

/** After retention deleted an image's working copy, describing it again asks for the same file. */
describe('describing again with the file brought back', () => {
  let t: TestApp;
  let alice: SignedUp;
  let imageId: string;

  beforeEach(async () => {
    t = await buildTestApp({ IMAGE_RETENTION: '0' });
    alice = await signUp(t.app);
    await alice.agent.post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`).attach('images', fx.fixture('dog.jpg'), 'dog.jpg').expect(303);
    imageId = (await t.deps.db('images').where({ user_id: alice.user.id }).first()).id;
    // Described, then deleted at once as retention "0" asks.
    await t.deps.db('jobs').where({ image_id: imageId }).update({ status: 'done' });
    await t.deps.db('images').where({ id: imageId }).update({ status: 'done', processed_at: t.clock.now().getTime() });
    await expireImageBlobs(t.deps);
    expect((await t.deps.db('images').where({ id: imageId }).first()).blob_key).to.equal(null);
  });
  afterEach(async () => t.close());

  const bring = (file: Buffer, name: string) => alice.agent.post(`/images/${imageId}/file-again?_csrf=${encodeURIComponent(alice.csrf)}`).attach('image', file, name).expect(303);

  it('offers the file form on the image\'s page once the copy is gone, and describes the same file again', async () => {
    const page = await alice.agent.get(`/images/${imageId}`).expect(200);
    expect(page.text).to.include('Describe again with the file');
    expect(page.text).to.include(`action="/images/${imageId}/file-again?_csrf=`);
    await bring(fx.fixture('dog.jpg'), 'dog-again.jpg');
    const image = await t.deps.db('images').where({ id: imageId }).first();
    expect(image.blob_key).to.be.a('string');
    expect(image.status).to.equal('queued');
    expect(await workingCopyBlobs(t)).to.deep.equal([image.blob_key]);
    expect(await t.deps.db('jobs').where({ image_id: imageId, status: 'queued' })).to.have.length(1);
  });

  it('refuses another picture, keeps nothing of it, and says why', async () => {
    const res = await bring(fx.fixture('cat.png'), 'cat.png');
    expect(res.headers.location).to.equal(`/images/${imageId}`);
    expect(await workingCopyBlobs(t)).to.deep.equal([]);
    expect((await t.deps.db('images').where({ id: imageId }).first()).blob_key).to.equal(null);
    const page = await alice.agent.get(`/images/${imageId}`).expect(200);
    expect(page.text).to.include('This file is not the image “dog.jpg” was made from. Upload it as a new image instead.');
  });

  it('does not take a file for another account\'s image', async () => {
    const bob = await signUp(t.app);
    await bob.agent.post(`/images/${imageId}/file-again?_csrf=${encodeURIComponent(bob.csrf)}`).attach('image', fx.fixture('dog.jpg'), 'dog.jpg').expect(404);
    expect(await workingCopyBlobs(t)).to.deep.equal([]);
  });
});
