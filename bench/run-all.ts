import { runDashboardBench } from './dashboard';
import { benchIngest } from './ingest';
import { benchApiOverhead } from './api-overhead';

/** Every benchmark, one after another (they share the machine, so never in parallel). */
const BENCHES: { name: string; run: () => Promise<void> }[] = [
  { name: 'dashboard and login flood', run: runDashboardBench },
  { name: 'ingest: 12 MP JPEG to queued, and memory under 100 uploads', run: benchIngest },
  { name: 'api: POST /images?wait overhead, webhook delivery latency', run: benchApiOverhead },
];

async function main(): Promise<void> {
  for (const bench of BENCHES) {
    console.log(`\n== ${bench.name}`);
    await bench.run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
