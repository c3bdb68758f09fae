import fs from 'node:fs';
import path from 'node:path';
import type { Signals } from '../../server/describers/local/signals';

/** Fixtures live beside the sources; tests run from dist/. */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

/** Detector signals recorded from real images with scripts/record-signals.ts. */
export function recordedSignals(name: string): Signals {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'signals', `${name}.json`), 'utf8')) as Signals;
}

export function allRecordedSignals(): Array<[string, Signals]> {
  return fs
    .readdirSync(path.join(FIXTURES, 'signals'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), recordedSignals(f.replace(/\.json$/, ''))]);
}
