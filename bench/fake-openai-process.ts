import { startFakeOpenAI } from '../test/helpers/fake-openai';

/**
 * The fake model server in a process of its own, as a real model server would be, so its JSON
 * parsing does not compete with the queue for the bench process's event loop.
 * argv[2]: latency in ms. Sends `{ url }` over IPC when listening; answers `{ stats }` and `{ calls }` on request.
 */
async function main(): Promise<void> {
  const fake = await startFakeOpenAI({ latencyMs: Number(process.argv[2] ?? 0) });
  process.on('message', (message) => {
    if (message === 'stats') process.send?.({ stats: { requests: fake.requests.length, maxInFlight: fake.maxInFlight } });
    if (message === 'arrivals') process.send?.({ arrivals: fake.requests.map((req) => req.at) });
    // Describe calls per image, for benches that name each image with a `bench-image-<n>` keyword.
    if (message === 'calls-per-image') {
      const calls: Record<string, number> = {};
      for (const req of fake.requests) {
        const tag = /bench-image-\d+/.exec(req.text)?.[0];
        if (tag) calls[tag] = (calls[tag] ?? 0) + 1;
      }
      process.send?.({ calls });
    }
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
