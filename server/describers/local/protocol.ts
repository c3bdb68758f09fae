import type { EmbeddedText } from '../types';
import type { Signals } from './signals';
import type { PipelineOptions } from './pipeline';

/** Messages between the describer (main thread) and its inference worker thread. */
export type ToWorker =
  | { type: 'analyse'; id: number; image: Uint8Array; originalName: string; embedded: EmbeddedText }
  | { type: 'check-network'; id: number; url: string }
  /** Load the models now (in the background after boot) rather than on the first image. */
  | { type: 'warm'; id: number };

export type FromWorker =
  | { type: 'ready'; id: 0; loadMs: number; ocrEngine: string; notes: string[] }
  | { type: 'signals'; id: number; signals: Signals }
  | { type: 'network-refused'; id: number; refusals: string[] }
  | { type: 'warmed'; id: number }
  | { type: 'failed'; id: number; message: string; fatal: boolean };

export interface WorkerSettings {
  pipeline: PipelineOptions;
}
