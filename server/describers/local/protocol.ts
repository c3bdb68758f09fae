import type { EmbeddedText } from '../types';
import type { TextSignals } from './signals';
import type { AnalysedImage, PipelineOptions, TextSource } from './pipeline';

/** Messages between the describer (main thread) and its inference worker thread. */
export type ToWorker =
  /** `readText` false: another worker reads the image's text, from the pixels this one sends as `decoded`. */
  | { type: 'analyse'; id: number; image: Uint8Array; originalName: string; embedded: EmbeddedText; readText: boolean }
  /** Read only the text of an image (for the image another worker is analysing). */
  | { type: 'read-text'; id: number; source: TextSource }
  | { type: 'check-network'; id: number; url: string }
  /** Load the models now (in the background after boot) rather than on the first image. */
  | { type: 'warm'; id: number };

export type FromWorker =
  | { type: 'ready'; id: 0; loadMs: number; ocrEngine: string; objectRuntime: string; notes: string[] }
  | { type: 'signals'; id: number; signals: AnalysedImage }
  /** Sent during an `analyse` without `readText`: the decoded pixels, for the worker that reads the text. */
  | { type: 'decoded'; id: number; source: Extract<TextSource, { pixels: Uint8Array }> }
  | { type: 'text'; id: number; text: TextSignals; timings: Record<string, number> }
  | { type: 'network-refused'; id: number; refusals: string[] }
  | { type: 'warmed'; id: number }
  | { type: 'failed'; id: number; message: string; fatal: boolean };

export interface WorkerSettings {
  pipeline: PipelineOptions;
}
