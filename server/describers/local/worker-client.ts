import { Worker } from 'node:worker_threads';
import { DescriberError } from '../types';
import type { FromWorker, ToWorker, WorkerSettings } from './protocol';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<ToWorker>;
type Reply = Extract<FromWorker, { type: 'signals' | 'text' | 'network-refused' | 'warmed' }>;
type Decoded = Extract<FromWorker, { type: 'decoded' }>;

interface Pending {
  message: ToWorker;
  transfer: ArrayBuffer[];
  resolve(reply: Reply): void;
  reject(error: Error): void;
  /** Receives the decoded pixels an analysis without `readText` hands on. */
  onDecoded?(message: Decoded): void;
  timer?: NodeJS.Timeout;
}

export interface WorkerClientOptions {
  script: string;
  settings: WorkerSettings;
  /** A request that takes longer than this ends the worker (it is restarted for the next one). */
  timeoutMs: number;
  onReady?(info: Extract<FromWorker, { type: 'ready' }>): void;
}

/**
 * One inference worker thread, started on the first request and kept warm. Requests wait in a
 * FIFO and go to the worker one at a time (its inference runs synchronously on its thread). If the worker
 * dies, the request it was running fails with a retryable DescriberError and the next request
 * starts a fresh worker.
 */
export class WorkerClient {
  private worker: Worker | undefined;
  private readonly waiting: Pending[] = [];
  private running: Pending | undefined;
  private nextId = 1;
  private closed = false;
  private online = false;
  private ready = false;

  constructor(private readonly options: WorkerClientOptions) {}

  get queued(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  /** Requests waiting or running other than warm-ups (a warm-up is the start of any request's work anyway). */
  get work(): number {
    return this.count((type) => type !== 'warm');
  }

  /** Whole images waiting or running (text read for another worker's image not counted). */
  get images(): number {
    return this.count((type) => type === 'analyse');
  }

  private count(which: (type: ToWorker['type']) => boolean): number {
    const counts = (p: Pending | undefined) => (p && which(p.message.type) ? 1 : 0);
    return this.waiting.reduce((n, p) => n + counts(p), counts(this.running));
  }

  /** The worker's models are loaded (it can help another worker at once). */
  get loaded(): boolean {
    return this.ready;
  }

  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  request(request: Request, signal?: AbortSignal, onDecoded?: (message: Decoded) => void): Promise<Reply> {
    if (this.closed) return Promise.reject(new DescriberError('the local describer is shut down', true));
    signal?.throwIfAborted();
    return new Promise<Reply>((resolve, reject) => {
      const id = this.nextId++;
      const message = { ...request, id } as ToWorker;
      const pending: Pending = { message, transfer: transferable(request), resolve, reject, onDecoded };
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiting.indexOf(pending);
          if (index >= 0) this.waiting.splice(index, 1);
          // A running request cannot be interrupted inside wasm; its result is simply dropped.
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        },
        { once: true },
      );
      this.waiting.push(pending);
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || this.waiting.length === 0 || this.closed) return;
    const pending = this.waiting.shift() as Pending;
    this.running = pending;
    const worker = this.ensureWorker();
    // The clock starts once the thread runs: starting one is not the image's fault on a busy machine.
    if (this.online) this.startTimer(pending);
    worker.postMessage(pending.message, pending.transfer);
  }

  private startTimer(pending: Pending): void {
    pending.timer = setTimeout(() => {
      const stuck = this.worker;
      this.worker = undefined;
      this.online = false;
      this.ready = false;
      this.fail(new DescriberError('the local describer took too long on this image', true));
      void stuck?.terminate();
      this.pump();
    }, this.options.timeoutMs);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.script, { workerData: this.options.settings });
    worker.on('online', () => {
      if (this.worker !== worker) return;
      this.online = true;
      if (this.running && !this.running.timer) this.startTimer(this.running);
    });
    worker.on('message', (message: FromWorker) => this.onMessage(worker, message));
    worker.on('error', (error) => this.onExit(worker, error));
    worker.on('exit', (code) => this.onExit(worker, new Error(`worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, message: FromWorker): void {
    if (message.type === 'ready') {
      this.ready = true;
      this.options.onReady?.(message);
      return;
    }
    const pending = this.running;
    if (!pending || pending.message.id !== message.id) return;
    if (message.type === 'decoded') {
      pending.onDecoded?.(message);
      return;
    }
    this.finish();
    if (message.type === 'failed') {
      // A load failure may be transient (memory); a bad image is not, and retrying cannot help it.
      pending.reject(new DescriberError(message.fatal ? `the local describer could not start: ${message.message}` : `the image could not be analysed: ${message.message}`, message.fatal));
    } else {
      pending.resolve(message);
    }
    this.pump();
  }

  private onExit(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.online = false;
    this.ready = false;
    this.fail(new DescriberError(`the local describer stopped unexpectedly (${error.message}); it restarts on the next attempt`, true));
    this.pump();
  }

  private fail(error: DescriberError): void {
    const pending = this.running;
    if (!pending) return;
    this.finish();
    pending.reject(error);
  }

  private finish(): void {
    if (this.running?.timer) clearTimeout(this.running.timer);
    this.running = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new DescriberError('the local describer is shut down', true);
    for (const pending of this.waiting.splice(0)) pending.reject(error);
    this.fail(error);
    const worker = this.worker;
    this.worker = undefined;
    this.online = false;
    this.ready = false;
    if (worker) await worker.terminate();
  }
}

/** The large buffers of a request, moved to the worker rather than copied. */
function transferable(request: Request): ArrayBuffer[] {
  if (request.type === 'analyse') return [request.image.buffer as ArrayBuffer];
  if (request.type === 'read-text') return ['pixels' in request.source ? request.source.pixels.buffer as ArrayBuffer : request.source.encoded.buffer as ArrayBuffer];
  return [];
}
