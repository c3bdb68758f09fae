import { startFakeOpenAI } from '../test/helpers/fake-openai';

/**
 * The fake model server in a process of its own, as a real model server would be, so its JSON
 * parsing does not compete with the queue for the bench process's event loop.
 * argv[2]: latency in ms. Sends `{ url }` over IPC when listening; answers `{ stats }` on request.
 */
async function main(): Promise<void> {
  const fake = await startFakeOpenAI({ latencyMs: Number(process.argv[2] ?? 0) });
  process.on('message', (message) => {
    if (message === 'stats') process.send?.({ stats: { requests: fake.requests.length, maxInFlight: fake.maxInFlight } });
    if (message === 'reset') {
      fake.requests.length = 0;
      fake.maxInFlight = 0;
      process.send?.({ reset: true });
    }
  });
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send?.({ url: fake.baseUrl });
}

void main();
