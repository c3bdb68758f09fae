import { performance } from 'node:perf_hooks';
import type { Human } from '@vladmandic/human';
import type { EmbeddedText } from '../types';
import type { DetectedObject, Signals } from './signals';
import { detectObjectsAndFaces, loadHuman, mirroredObjects, type MirrorHelper, type Pixels } from './detect/objects-and-faces';
import { imageStats } from './detect/image-stats';
import { decodeImage } from './detect/decode';
import { createPaddleOcr, type OcrEngine } from './detect/paddle-ocr';
import { createTesseractOcr } from './detect/tesseract-ocr';

/**
 * Share of the two commonest colours above which an image is a flat graphic (compose() calls it a
 * screenshot from 0.3): worth searching for small print.
 */
const SMALL_PRINT_FLATNESS = 0.3;

export type OcrChoice = 'auto' | 'paddleocr' | 'tesseract';

export interface PipelineOptions {
  ocr: OcrChoice;
  /** Run the object detector on the mirror image too and merge (test-time augmentation). */
  mirroredPass: boolean;
  /** onnxruntime threads for OCR; the wasm detector takes one core of its own. */
  ocrThreads: number;
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
    const [human, ocr] = await Promise.all([loadHuman(), loadOcr(options, notes)]);
    const pipeline = new Pipeline(human, ocr, options, notes);
    await pipeline.warmUp();
    return pipeline;
  }

  get ocrEngine(): OcrEngine['name'] {
    return this.ocr.name;
  }

  /** The first inference compiles wasm kernels (~600 ms); doing it at load keeps requests even. */
  private async warmUp(): Promise<void> {
    const blank = { data: Buffer.alloc(64 * 64 * 3, 255), width: 64, height: 64, originalWidth: 64, originalHeight: 64, hasAlpha: false };
    await detectObjectsAndFaces(this.human, blank, { mirrored: false });
  }

  async analyse(request: AnalyseRequest, helper?: MirrorHelper): Promise<Signals> {
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = Math.round(performance.now() - start);
      }
    };
    const decoded = await timed('decode', () => decodeImage(request.image));
    const stats = await timed('stats', () => imageStats(decoded));
    // OCR runs on onnxruntime's native threads while the wasm detector holds this thread: overlap them.
    const [{ objects, faces, mirrored }, text] = await Promise.all([
      timed('detect', () => detectObjectsAndFaces(this.human, decoded, { mirrored: this.options.mirroredPass, helper })),
      timed('ocr', () => this.ocr.read(decoded, { smallPrint: stats.flatness >= SMALL_PRINT_FLATNESS })),
    ]);
    return { originalName: request.originalName, embedded: request.embedded, stats, objects, mirroredPass: mirrored, faces, text, timings };
  }

  /** The mirrored detector pass for another worker's image. */
  mirroredObjects(pixels: Pixels): Promise<DetectedObject[]> {
    return mirroredObjects(this.human, pixels);
  }

  async close(): Promise<void> {
    await this.ocr.close();
  }
}

async function loadOcr(options: PipelineOptions, notes: string[]): Promise<OcrEngine> {
  if (options.ocr === 'tesseract') return createTesseractOcr();
  try {
    return await createPaddleOcr({ threads: options.ocrThreads });
  } catch (error) {
    if (options.ocr === 'paddleocr') throw error;
    // onnxruntime-node ships no binary for some platforms (musl, unusual CPUs): read text with wasm.
    notes.push(`text read with tesseract.js because onnxruntime could not load (${(error as Error).message})`);
    return createTesseractOcr();
  }
}
