import { SingleBar } from 'cli-progress';
import type { FolderEvents } from './describe-folder';

/**
 * On a terminal, a bar with the count, the rate and the time left; otherwise (a log, a pipe) one
 * plain line per image, so cron mail and CI logs read well. Both on stderr: stdout stays for data.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): FolderEvents & { stop(): void } {
  if (stream.isTTY) {
    const bar = new SingleBar({ stream, format: 'Describing [{bar}] {value}/{total} | {rate}/s | {eta_formatted} left', hideCursor: true });
    const started = Date.now();
    let count = 0;
    return {
      start: (total) => bar.start(total, 0, { rate: '0.0' }),
      step: () => {
        count += 1;
        bar.increment(1, { rate: (count / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1) });
      },
      stop: () => bar.stop(),
    };
  }
  let count = 0;
  let total = 0;
  return {
    start: (n) => {
      total = n;
    },
    step: (outcome, file, reason) => {
      count += 1;
      stream.write(`[${count}/${total}] ${outcome} ${file}${reason ? `: ${reason}` : ''}\n`);
    },
    stop: () => undefined,
  };
}
