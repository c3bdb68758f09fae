import path from 'node:path';
import { expect } from 'chai';
import { WorkerClient } from '../../../server/describers/local/worker-client';
import { DescriberError } from '../../../server/describers/types';

const SCRIPT = path.join(__dirname, '..', '..', 'fixtures', 'workers', 'scripted-worker.js');
const settings = { pipeline: { ocr: 'auto' as const, mirroredPass: false, ocrThreads: 1 } };
const request = (originalName: string) => ({ type: 'analyse' as const, image: new Uint8Array(4), originalName, embedded: {}, readText: true });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected a rejection');
}

describe('local describer: the worker client', () => {
  let client: WorkerClient;
  afterEach(() => client.close());

  it('fails the request a crashed worker was running with a retryable error and restarts on the next', async () => {
    client = new WorkerClient({ script: SCRIPT, settings, timeoutMs: 10_000 });
    const first = await client.request(request('a.jpg'));
    expect(first.type).to.equal('signals');
    const before = client.threadId;
    const error = await rejection(client.request(request('crash.jpg')));
    expect(error).to.be.instanceOf(DescriberError);
    expect((error as DescriberError).retryable).to.equal(true);
    const again = await client.request(request('b.jpg'));
    expect(again.type).to.equal('signals');
    expect(client.threadId).to.not.equal(before);
  });

  it('ends a worker stuck on one image and carries on with a fresh one', async () => {
    client = new WorkerClient({ script: SCRIPT, settings, timeoutMs: 300 });
    const stuck = client.request(request('hang.jpg'));
    const next = client.request(request('c.jpg'));
    const error = await rejection(stuck);
    expect(error).to.be.instanceOf(DescriberError);
    expect((error as DescriberError).retryable).to.equal(true);
    expect((await next).type).to.equal('signals');
  });

  it('answers queued requests in order', async () => {
    client = new WorkerClient({ script: SCRIPT, settings, timeoutMs: 10_000 });
    const names = ['1.jpg', '2.jpg', '3.jpg', '4.jpg'];
    const pending = names.map((n) => client.request(request(n)));
    expect(client.queued).to.equal(4);
    const replies = await Promise.all(pending);
    expect(replies.map((r) => (r.type === 'signals' ? r.signals.originalName : ''))).to.deep.equal(names);
    expect(client.queued).to.equal(0);
  });

  it('hands on the decoded pixels of an analysis that leaves the text to another worker, before its signals', async () => {
    client = new WorkerClient({ script: SCRIPT, settings, timeoutMs: 10_000 });
    const events: string[] = [];
    const reply = client.request({ ...request('a.jpg'), readText: false }, undefined, (decoded) => events.push(`decoded ${decoded.source.width}x${decoded.source.height}`));
    events.push(`reply ${(await reply).type}`);
    expect(events).to.deep.equal(['decoded 1x1', 'reply signals']);
  });

  it('drops a request aborted while it waits', async () => {
    client = new WorkerClient({ script: SCRIPT, settings, timeoutMs: 10_000 });
    const controller = new AbortController();
    const first = client.request(request('1.jpg'));
    const second = client.request(request('2.jpg'), controller.signal);
    controller.abort(new Error('cancelled'));
    expect((await rejection(second)).message).to.equal('cancelled');
    expect((await first).type).to.equal('signals');
    expect(client.queued).to.equal(0);
  });

  it('refuses work after close with a retryable error', async () => {
    client = new WorkerClient({ script: SCRIPT, settings, timeoutMs: 10_000 });
    await client.close();
    const error = await rejection(client.request(request('1.jpg')));
    expect((error as DescriberError).retryable).to.equal(true);
  });
});
