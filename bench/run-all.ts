import { runDashboardBench } from './dashboard';

/** Every benchmark, one after another (they share the machine, so never in parallel). */
const BENCHES: { name: string; run: () => Promise<void> }[] = [
  { name: 'dashboard and login flood', run: runDashboardBench },
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
