import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { insertBatch, insertImage } from '../../helpers/rows';
import { insertDescription } from '../../helpers/description-rows';
import { createApiKey } from '../../../server/services/api-keys';

describe('usage: descriptions retrieved through the API and exports', () => {
  let t: TestApp;
  let alice: SignedUp;
  let auth: string;
  let batchId: string;
  let doneId: string;
  let waitingId: string;
  const manifest = { colour: 'red', count: 2 };

  beforeEach(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
    auth = `Bearer ${(await createApiKey(t.deps, alice.user.id, { name: 'script', scope: 'read' })).key}`;
    batchId = await insertBatch(t.deps.db, alice.user.id);
    doneId = await insertImage(t.deps.db, alice.user.id, batchId, { original_name: 'done.jpg' });
    await insertDescription(t.deps.db, doneId, alice.user.id, { manifest_json: JSON.stringify(manifest) });
    waitingId = await insertImage(t.deps.db, alice.user.id, batchId, { original_name: 'waiting.jpg' });
  });
  afterEach(() => t.close());

  const api = () => request(t.app);
  const retrieved = async () => (await api().get('/api/v1/usage').set('Authorization', auth).expect(200)).body.descriptions_retrieved as number;

  it('counts one per finished description in each API answer that carries it, and none for unfinished images', async () => {
    await api().get(`/api/v1/images/${waitingId}`).set('Authorization', auth).expect(200);
    expect(await retrieved()).to.equal(0);
    await api().get(`/api/v1/images/${doneId}`).set('Authorization', auth).expect(200);
    expect(await retrieved()).to.equal(1);
    const list = await api().get('/api/v1/images').set('Authorization', auth).expect(200);
    expect(list.body.data).to.have.length(2);
    expect(await retrieved()).to.equal(2);
    await api().get(`/api/v1/batches/${batchId}`).set('Authorization', auth).expect(200);
    expect(await retrieved()).to.equal(3);
  });

  it('counts exported descriptions the same way, and the usage page shows the total', async () => {
    await alice.agent.get(`/batches/${batchId}/export.csv`).expect(200);
    await alice.agent.get('/images/export.json').expect(200);
    expect(await retrieved()).to.equal(2);
    const page = await alice.agent.get('/account/usage').expect(200);
    expect(page.text).to.match(/<dt>Descriptions retrieved<\/dt><dd>2<\/dd>/);
    const rows = await t.deps.db('usage_events').where({ kind: 'description.retrieved' });
    expect(rows.map((r) => [r.image_id, r.source])).to.deep.equal([[doneId, 'web'], [doneId, 'web']]);
  });

  it('puts the pattern manifest in the CSV export as JSON text, empty for images without one', async () => {
    const csv = (await alice.agent.get(`/batches/${batchId}/export.csv`).expect(200)).text;
    const [header, ...lines] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    const column = header.split(',').indexOf('manifest');
    expect(column).to.be.greaterThan(-1);
    const done = lines.find((l) => l.includes(doneId));
    expect(done).to.include(`"${JSON.stringify(manifest).replace(/"/g, '""')}"`);
    const waiting = lines.find((l) => l.includes(waitingId));
    expect(waiting).not.to.include('colour');
    const json = JSON.parse((await alice.agent.get(`/batches/${batchId}/export.json`).expect(200)).text);
    expect(json.images.find((i: { id: string }) => i.id === doneId).manifest).to.deep.equal(manifest);
  });
});
