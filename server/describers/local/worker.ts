import { parentPort, workerData } from 'node:worker_threads';
import net from 'node:net';
import http from 'node:http';
import { installNetworkGuard } from './network-guard';
import type { FromWorker, ToWorker, WorkerSettings } from './protocol';
import type { Pipeline, TextSource } from './pipeline';

// Before anything that might open a connection is loaded.
installNetworkGuard();

const port = parentPort;
if (!port) throw new Error('the local describer worker must run in a worker thread');
const settings = workerData as WorkerSettings;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let pipeline: Promise<Pipeline> | undefined;
function ready(): Promise<Pipeline> {
  if (!pipeline) {
    const start = Date.now();
    // Loaded after the guard so their module-level code already sees the patched network.
    const { Pipeline: PipelineClass } = require('./pipeline') as typeof import('./pipeline');
    pipeline = PipelineClass.load(settings.pipeline).then((p) => {
      send({ type: 'ready', id: 0, loadMs: Date.now() - start, ocrEngine: p.ocrEngine, objectRuntime: p.objectRuntime, notes: p.notes });
      return p;
    });
  }
  return pipeline;
}

/** Tries each way out of the process and reports the ones that were refused (all of them, or a bug). */
async function checkNetwork(url: string): Promise<string[]> {
  const attempts: Array<[string, () => unknown]> = [
    ['fetch', () => fetch(url)],
    ['http.get', () => http.get(url)],
    ['net.connect', () => net.connect({ host: new URL(url).hostname, port: Number(new URL(url).port || 80) })],
    ['net.Socket.connect', () => new net.Socket().connect(Number(new URL(url).port || 80), new URL(url).hostname)],
  ];
  const refused: string[] = [];
  for (const [name, attempt] of attempts) {
    try {
      await attempt();
    } catch (error) {
      if ((error as Error).name === 'OfflineViolation') refused.push(name);
    }
  }
  return refused;
}

port.on('message', (message: ToWorker) => void handle(message));

async function handle(message: ToWorker): Promise<void> {
  try {
    if (message.type === 'check-network') {
      send({ type: 'network-refused', id: message.id, refusals: await checkNetwork(message.url) });
      return;
    }
    const p = await ready();
    if (message.type === 'warm') {
      send({ type: 'warmed', id: message.id });
      return;
    }
    if (message.type === 'read-text') {
      send({ type: 'text', id: message.id, ...(await p.readText(message.source)) });
      return;
    }
    const image = Buffer.from(message.image.buffer, message.image.byteOffset, message.image.byteLength);
    // A copy in memory of its own, so that it can be transferred rather than copied again on the way.
    const share = (source: TextSource) => {
      if (!('pixels' in source)) return;
      const pixels = new Uint8Array(source.pixels);
      send({ type: 'decoded', id: message.id, source: { ...source, pixels } }, [pixels.buffer]);
    };
    const signals = await p.analyse({ image, originalName: message.originalName, embedded: message.embedded }, message.readText ? undefined : share);
    send({ type: 'signals', id: message.id, signals });
  } catch (error) {
    const fatal = message.type !== 'check-network' && !(await pipeline?.then(() => true, () => false));
    send({ type: 'failed', id: message.id, message: (error as Error).message, fatal });
    // A pipeline that failed to load is dropped so that a later request tries again.
    if (fatal) pipeline = undefined;
  }
}
