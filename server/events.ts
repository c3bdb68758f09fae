import { EventEmitter } from 'node:events';

/** What every image event carries; enough for the web (SSE) and webhooks to reload the rest. */
export interface ImageEvent {
  imageId: string;
  batchId: string;
  userId: number;
}

/**
 * Events are emitted only after the transaction that caused them has committed, so a listener
 * that reads the database always sees the change it is told about.
 * `image.started`, `image.queued` and `batch.cancelled` are for live progress; the others are the
 * contract webhooks build on. `batch.completed` carries the image whose result finished the batch.
 */
export interface SightlineEventMap {
  'image.started': ImageEvent;
  'image.completed': ImageEvent;
  'image.failed': ImageEvent;
  'batch.completed': ImageEvent;
  'image.queued': ImageEvent;
  'batch.cancelled': { batchId: string; userId: number };
}

export type SightlineEventName = keyof SightlineEventMap;

/** A typed EventEmitter; a listener that throws is logged by the caller's `error` listener, never crashes the worker. */
export class SightlineEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Each batch being watched for live progress adds a listener; the default cap of 10 is too low.
    this.emitter.setMaxListeners(0);
  }

  on<K extends SightlineEventName>(name: K, listener: (event: SightlineEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  once<K extends SightlineEventName>(name: K, listener: (event: SightlineEventMap[K]) => void): () => void {
    this.emitter.once(name, listener);
    return () => this.emitter.off(name, listener);
  }

  off<K extends SightlineEventName>(name: K, listener: (event: SightlineEventMap[K]) => void): void {
    this.emitter.off(name, listener);
  }

  /** Calls every listener; one that throws does not stop the others or the caller. */
  emit<K extends SightlineEventName>(name: K, event: SightlineEventMap[K], onError?: (err: unknown) => void): void {
    for (const listener of this.emitter.listeners(name)) {
      try {
        (listener as (e: SightlineEventMap[K]) => void)(event);
      } catch (err) {
        onError?.(err);
      }
    }
  }

  listenerCount(name: SightlineEventName): number {
    return this.emitter.listenerCount(name);
  }
}

export function createEvents(): SightlineEvents {
  return new SightlineEvents();
}
