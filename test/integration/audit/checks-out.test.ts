import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen } from '../../helpers/api-client';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { parseCsv } from '../../helpers/csv';
import { createApiKey } from '../../../server/services/api-keys';

/** A file name, the same sentence twice, and one that is fine: what each way out must flag. */
const ALT_TEXTS = ['photo-001.jpg', 'A brown dog on the grass', 'A brown dog on the grass', 'A brown dog asleep on a red sofa'];

describe('alt text checks in the API and in exports', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let owner: SignedUp;
  let batch: { batchId: string; imageIds: string[] };
  beforeEach(async () => {
    t = await buildTestApp();
    server = await listen(t.app);
    owner = await signUp(t.app);
    batch = await seedReviewBatch(t.deps, owner.user.id, ALT_TEXTS.length, 'Checked', (i) => ALT_TEXTS[i]);
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  const rulesOf = (checks: { rule: string }[]) => checks.map((c) => c.rule);

  it('come with each image\'s result in the API, repeats found across the answer', async () => {
    const { key } = await createApiKey(t.deps, owner.user.id, { name: 'checks', scope: 'read' });
    const get = async (path: string) => (await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } })).json();
    const whole = (await get(`/batches/${batch.batchId}`)) as { images: { id: string; result: { checks: { rule: string; label: string; message: string }[] } }[] };
    const byId = new Map(whole.images.map((image) => [image.id, image.result.checks]));
    expect(batch.imageIds.map((id) => rulesOf(byId.get(id) ?? []))).to.deep.equal([['file_name'], ['duplicate'], ['duplicate'], []]);
    expect(byId.get(batch.imageIds[0])?.[0]).to.deep.equal({
      rule: 'file_name', label: 'File name', message: 'Reads like a file name, which tells a listener nothing about the picture.',
    });
    const one = (await get(`/images/${batch.imageIds[0]}`)) as { result: { checks: { rule: string }[] } };
    expect(rulesOf(one.result.checks)).to.deep.equal(['file_name']);
  });

  it('are a column of the CSV export and a list in the JSON export', async () => {
    const csv = await owner.agent.get(`/batches/${batch.batchId}/export.csv`).buffer(true).expect(200);
    const [header, ...rows] = parseCsv(csv.text);
    const at = header.indexOf('checks');
    expect(at, 'a checks column').to.be.greaterThan(-1);
    const byId = new Map(rows.map((row) => [row[header.indexOf('id')], row[at]]));
    expect(batch.imageIds.map((id) => byId.get(id))).to.deep.equal(['File name', 'Same as another', 'Same as another', '']);

    const json = await owner.agent.get(`/batches/${batch.batchId}/export.json`).buffer(true).expect(200);
    const images = (JSON.parse(json.text) as { images: { id: string; checks: { rule: string }[] }[] }).images;
    expect(batch.imageIds.map((id) => rulesOf(images.find((image) => image.id === id)?.checks ?? []))).to.deep.equal([['file_name'], ['duplicate'], ['duplicate'], []]);
  });

  it('find the same alt text across the whole batch, not only the page shown', async () => {
    const same = 'A red bicycle against a yellow wall';
    const big = await seedReviewBatch(t.deps, owner.user.id, 52, 'Two pages', (i) => (i === 0 || i === 51 ? same : `Street scene number ${i + 1}`));
    const first = await owner.agent.get(`/batches/${big.batchId}`).expect(200);
    expect(first.text).to.include(same);
    expect(first.text.match(/Same as another/g), 'flagged on page 1, its twin being on page 2').to.have.length(1);
    const second = await owner.agent.get(`/batches/${big.batchId}?page=2`).expect(200);
    expect(second.text.match(/Same as another/g)).to.have.length(1);
    expect((await owner.agent.get(`/images/${big.imageIds[51]}`).expect(200)).text).to.include('Same as another');
    expect((await owner.agent.get(`/images/${big.imageIds[5]}`).expect(200)).text).not.to.include('Same as another');
  });
});
