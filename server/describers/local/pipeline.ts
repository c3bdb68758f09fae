import { performance } from 'node:perf_hooks';
import type { Human } from '@vladmandic/human';
import type { EmbeddedText } from '../types';
import type { Signals } from './signals';
import { detectObjectsAndFaces, loadHuman } from './detect/objects-and-faces';
import { imageStats } from './detect/image-stats';
import { createPaddleOcr, type OcrEngine } from './detect/paddle-ocr';
import { createTesseractOcr } from './detect/tesseract-ocr';

export type OcrChoice = 'auto' | 'paddleocr' | 'tesseract';

export interface PipelineOptions {
  ocr: OcrChoice;
  /** Run the object detector on the mirror image too and merge (test-time augmentation). */
  mirroredPass: boolean;
}

export interface AnalyseRequest {
  image: Buffer;
  originalName: string;
  embedded: EmbeddedText;
}

/** The detectors, loaded once and kept warm; one image at a time. */
export class Pipeline {
  private constructor(
    private readonly human: Human,
    private readonly ocr: OcrEngine,
    private readonly options: PipelineOptions,
    readonly notes: string[],
  ) {}

  static async load(options: PipelineOptions): Promise<Pipeline> {
    const notes: string[] = [];
    const [human, ocr] = await Promise.all([loadHuman(), loadOcr(options.ocr, notes)]);
    const pipeline = new Pipeline(human, ocr, options, notes);
    await pipeline.warmUp();
    return pipeline;
  }

  get ocrEngine(): OcrEngine['name'] {
    return this.ocr.name;
  }

  /** The first inference compiles wasm kernels (~600 ms); doing it at load keeps requests even. */
  private async warmUp(): Promise<void> {
    const blank = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
      'base64',
    );
    await detectObjectsAndFaces(this.human, blank, { mirrored: false });
  }

  async analyse(request: AnalyseRequest): Promise<Signals> {
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = Math.round(performance.now() - start);
      }
    };
    const stats = await timed('stats', () => imageStats(request.image));
    const { objects, faces } = await timed('detect', () =>
      detectObjectsAndFaces(this.human, request.image, { mirrored: this.options.mirroredPass }),
    );
    const text = await timed('ocr', () => this.ocr.read(request.image));
    return { originalName: request.originalName, embedded: request.embedded, stats, objects, mirroredPass: this.options.mirroredPass, faces, text, timings };
  }

  async close(): Promise<void> {
    await this.ocr.close();
  }
}

async function loadOcr(choice: OcrChoice, notes: string[]): Promise<OcrEngine> {
  if (choice === 'tesseract') return createTesseractOcr();
  try {
    return await createPaddleOcr();
  } catch (error) {
    if (choice === 'paddleocr') throw error;
    // onnxruntime-node ships no binary for some platforms (musl, unusual CPUs): read text with wasm.
    notes.push(`text read with tesseract.js because onnxruntime could not load (${(error as Error).message})`);
    return createTesseractOcr();
  }
}
