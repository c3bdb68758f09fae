import { runDashboardBench } from './dashboard';
import { benchIngest } from './ingest';
import { runQueueThroughputBench } from './queue-throughput';
import { benchLocalDescriber } from './local-describer';
import { benchApiOverhead } from './api-overhead';
import { benchQueueClaim } from './queue-claim';
import { benchUploadThroughput } from './upload-throughput';
import { benchCrash } from './crash';
import { benchReviewPages } from './review-pages';
import { benchWordPress } from './wordpress';
import { benchEmbedMetadata } from './embed-metadata';
import { benchCliVsQueue } from './cli-vs-queue';

/** Every benchmark, one after another (they share the machine, so never in parallel). */
const BENCHES: { name: string; run: () => Promise<void> }[] = [
  { name: 'dashboard and login flood', run: runDashboardBench },
  { name: 'ingest: 12 MP JPEG to queued, and memory under 100 uploads', run: benchIngest },
  { name: 'queue throughput: 200 images, 500 ms model latency, concurrency 8', run: runQueueThroughputBench },
  { name: 'offline describer', run: benchLocalDescriber },
  { name: 'api: POST /images?wait overhead, webhook delivery latency', run: benchApiOverhead },
  { name: 'queue claim on PostgreSQL: 200,000 queued jobs', run: benchQueueClaim },
  { name: 'upload throughput end to end: 64 images, 1, 2 and 4 worker processes on PostgreSQL', run: benchUploadThroughput },
  { name: 'review pages: a 1,000-image batch, and the library with 1,000 and 100,000 images', run: benchReviewPages },
  { name: 'wordpress: scan and write back 1,000 media items against the bare REST calls', run: benchWordPress },
  { name: 'metadata: write the text into 1,000 JPEGs against copying them', run: benchEmbedMetadata },
  { name: 'cli: sightline describe on a folder against the server\'s queue, embedded describer', run: benchCliVsQueue },
  { name: 'crash: 500 images, kill -9 twenty times, two web and three worker processes on PostgreSQL', run: benchCrash },
];

async function main(): Promise<void> {
  // `npm run bench -- <word>` runs only the benchmarks whose name contains <word>.
  const only = process.argv[2];
  for (const bench of BENCHES) {
    if (only && !bench.name.includes(only)) continue;
    console.log(`\n== ${bench.name}`);
    await bench.run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
