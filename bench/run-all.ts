import { benchLocalDescriber } from './local-describer';

/**
 * Every benchmark, one after the other (they would disturb each other's figures if run at once).
 * `npm run bench -- <name>` runs the ones whose name contains <name>.
 */
const BENCHES: Array<[string, () => Promise<void>]> = [
  ['offline describer', benchLocalDescriber],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  for (const [name, run] of BENCHES) {
    if (only && !name.includes(only)) continue;
    console.log(`\n== ${name}`);
    await run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
