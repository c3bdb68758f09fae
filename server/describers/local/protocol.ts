import type { EmbeddedText } from '../types';
import type { DetectedObject, Signals } from './signals';
import type { PipelineOptions } from './pipeline';

/** Messages between the describer (main thread) and its inference worker thread. */
export type ToWorker =
  /** `helper`: another worker is idle and may run the mirrored detector pass at the same time. */
  | { type: 'analyse'; id: number; image: Uint8Array; originalName: string; embedded: EmbeddedText; helper: boolean }
  /** Run the object detector on the mirror image of these pixels (for another worker's image). */
  | { type: 'mirror-objects'; id: number; pixels: Uint8Array; width: number; height: number }
  /** The answer to a `mirror-wanted`, relayed from the helping worker. */
  | { type: 'mirror-result'; id: number; helpId: number; objects?: DetectedObject[]; error?: string }
  | { type: 'check-network'; id: number; url: string }
  /** Load the models now (in the background after boot) rather than on the first image. */
  | { type: 'warm'; id: number };

export type FromWorker =
  | { type: 'ready'; id: 0; loadMs: number; ocrEngine: string; objectRuntime: string; notes: string[] }
  | { type: 'signals'; id: number; signals: Signals }
  | { type: 'network-refused'; id: number; refusals: string[] }
  | { type: 'warmed'; id: number }
  | { type: 'objects'; id: number; objects: DetectedObject[] }
  /** Asks the describer to have another worker run the mirrored pass of the image in hand. */
  | { type: 'mirror-wanted'; id: number; helpId: number; pixels: Uint8Array; width: number; height: number }
  | { type: 'failed'; id: number; message: string; fatal: boolean };

export interface WorkerSettings {
  pipeline: PipelineOptions;
}
