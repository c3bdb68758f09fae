import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { insertUser } from '../../helpers/rows';
import { WebhookReceiver } from '../../helpers/webhook-receiver';
import { createDb, type Db } from '../../../server/db/knex';
import { bindTextKeys } from '../../../server/db/text-keys';
import { insertDeliveries, listEndpointRows } from '../../../server/db/webhooks';
import { createEndpoint } from '../../../server/webhooks/endpoints';
import { deliveryRows } from '../../../server/webhooks/outbox';
import { WebhookDispatcher } from '../../../server/webhooks/dispatcher';

/**
 * Dispatchers in several processes share one deliveries table. Each one here has its own database
 * connection (pool), as a second process would, and the deliveries go to a real receiver.
 */
describe('webhook deliveries claimed by one dispatcher at a time', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let others: Db[];

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${receiver.port}` });
    receiver.now = () => t.clock.now().getTime();
    others = [];
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
    for (const db of others) await db.destroy();
  });

  /** A dispatcher as another process would run it: its own connection to the same database. */
  function otherDispatcher(options: ConstructorParameters<typeof WebhookDispatcher>[1] = { timeoutMs: 2000 }): WebhookDispatcher {
    const db = createDb(t.config.database);
    bindTextKeys(db, t.deps.blobs); // as each process does at boot: sealed payloads open
    others.push(db);
    return new WebhookDispatcher({ ...t.deps, db }, options);
  }

  /** `count` due deliveries in the outbox, as finished images leave them, none sent yet. */
  async function pendingDeliveries(count: number): Promise<string[]> {
    const userId = await insertUser(t.deps.db);
    const { secret } = await createEndpoint(t.deps, userId, { url: receiver.url, events: ['image.completed'] });
    receiver.secret = secret;
    const endpoints = await listEndpointRows(t.deps.db, userId);
    const now = t.clock.now().getTime();
    const rows = Array.from({ length: count }, (_, i) => deliveryRows(endpoints, userId, 'image.completed', { id: `img${i}` }, now)).flat();
    await insertDeliveries(t.deps.db, rows);
    return rows.map((r) => r.id);
  }

  it('sends each due delivery exactly once when two dispatchers run over the same ones at the same moment', async () => {
    const ids = await pendingDeliveries(48);
    const first = t.deps.webhooks as WebhookDispatcher;
    const second = otherDispatcher();
    const [byFirst, bySecond] = await Promise.all([first.runDue(), second.runDue()]);

    expect(receiver.received.map((r) => r.id).sort()).to.deep.equal([...ids].sort());
    expect(receiver.received.every((r) => r.verified)).to.equal(true);
    expect(byFirst + bySecond).to.equal(48);
    const rows = await t.deps.db('webhook_deliveries').select('status', 'attempts', 'locked_until');
    expect(new Set(rows.map((r) => JSON.stringify(r)))).to.deep.equal(new Set([JSON.stringify({ status: 'delivered', attempts: 1, locked_until: null })]));
    expect((await t.deps.db('webhook_attempts').count({ n: '*' }).first())?.n).to.equal(48);
  });

  it('does not send a second copy to a slow receiver while the first attempt is within its timeout', async () => {
    const [id] = await pendingDeliveries(1);
    receiver.respond = (n) => (n === 1 ? 'hang' : { status: 204 });
    const slow = otherDispatcher({ timeoutMs: 1500 });
    const sending = slow.runDue();
    await receiver.waitFor(1);

    // Another dispatcher polls while the first request hangs, even some seconds later by the app clock.
    const second = t.deps.webhooks as WebhookDispatcher;
    expect(await second.runDue()).to.equal(0);
    t.clock.advance(1_000);
    expect(await second.runDue()).to.equal(0);

    expect(await sending).to.equal(1);
    const [row] = await t.deps.db('webhook_deliveries').where({ id });
    expect(row).to.include({ status: 'pending', attempts: 1, locked_until: null });
    expect(row.last_error).to.match(/timed out/);
    expect(receiver.received).to.have.length(1);
  });

  it('sends a delivery again once the lease of a dispatcher that died mid-send has ended', async () => {
    const [id] = await pendingDeliveries(1);
    receiver.respond = (n) => (n === 1 ? 'hang' : { status: 204 });
    const leaseMs = 30_000;
    const dying = otherDispatcher({ timeoutMs: 60_000, leaseMs });
    dying.nudge();
    await receiver.waitFor(1);
    // The process dies: its connection is gone, so the attempt it started can never be recorded.
    await others[0].destroy();
    others.splice(0, 1);

    const survivor = t.deps.webhooks as WebhookDispatcher;
    t.clock.advance(leaseMs - 1);
    expect(await survivor.runDue()).to.equal(0);
    t.clock.advance(1);
    expect(await survivor.runDue()).to.equal(1);

    expect(receiver.received.map((r) => r.id)).to.deep.equal([id, id]);
    expect(receiver.received[1].verified).to.equal(true);
    const [row] = await t.deps.db('webhook_deliveries').where({ id });
    expect(row).to.include({ status: 'delivered', attempts: 1, locked_until: null });
  });

  it('keeps the result of the dispatcher that took a delivery over when the first one answers after its lease', async () => {
    const [id] = await pendingDeliveries(1);
    receiver.respond = (n) => (n === 1 ? 'hang' : { status: 204 });
    const leaseMs = 30_000;
    const late = otherDispatcher({ timeoutMs: 1500, leaseMs });
    const sending = late.runDue();
    await receiver.waitFor(1);

    // The first request is still hanging when its lease ends by the app clock; another dispatcher delivers.
    t.clock.advance(leaseMs);
    const survivor = t.deps.webhooks as WebhookDispatcher;
    expect(await survivor.runDue()).to.equal(1);

    // The first dispatcher's request then times out: its failure is recorded as an attempt only.
    expect(await sending).to.equal(1);
    const [row] = await t.deps.db('webhook_deliveries').where({ id });
    expect(row).to.include({ status: 'delivered', attempts: 1, locked_until: null, last_error: null });
    expect((await t.deps.db('webhook_attempts').where({ delivery_id: id }).count({ n: '*' }).first())?.n).to.equal(2);
  });
});
