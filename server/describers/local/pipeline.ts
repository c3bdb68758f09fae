import { performance } from 'node:perf_hooks';
import type { Human } from '@vladmandic/human';
import type { EmbeddedText } from '../types';
import type { Signals, TextSignals } from './signals';
import { detectObjectsAndFaces, loadHuman } from './detect/objects-and-faces';
import { loadObjectDetector, type ObjectDetector } from './detect/objects';
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
  /** onnxruntime threads for OCR and the object detector. */
  ocrThreads: number;
  /** 'wasm' runs CenterNet on Human's wasm backend even where onnxruntime loads (it is the fallback). */
  objectRuntime?: 'auto' | 'wasm';
}

/** What a worker needs to read an image's text: the file, or the pixels another worker decoded. */
export type TextSource = { encoded: Uint8Array } | { pixels: Uint8Array; width: number; height: number; smallPrint: boolean };

/** Signals of one image, without its text when another worker reads it. */
export type AnalysedImage = Omit<Signals, 'text'> & { text?: TextSignals };

export interface AnalyseRequest {
  image: Buffer;
  originalName: string;
  embedded: EmbeddedText;
}

/** The detectors, loaded once and kept warm; one image at a time. */
export class Pipeline {
  private constructor(
    private readonly human: Human,
    private readonly detector: ObjectDetector,
    private readonly ocr: OcrEngine,
    private readonly options: PipelineOptions,
    readonly notes: string[],
  ) {}

  static async load(options: PipelineOptions): Promise<Pipeline> {
    const notes: string[] = [];
    const [human, ocr] = await Promise.all([loadHuman(), loadOcr(options, notes)]);
    const detector = await loadObjectDetector(human, { threads: options.ocrThreads, runtime: options.objectRuntime ?? 'auto' }, notes);
    const pipeline = new Pipeline(human, detector, ocr, options, notes);
    await pipeline.warmUp();
    return pipeline;
  }

  get ocrEngine(): OcrEngine['name'] {
    return this.ocr.name;
  }

  get objectRuntime(): ObjectDetector['runtime'] {
    return this.detector.runtime;
  }

  /** The first inference compiles wasm kernels and sizes onnxruntime's buffers; doing it at load keeps requests even. */
  private async warmUp(): Promise<void> {
    const blank = { data: Buffer.alloc(64 * 64 * 3, 255), width: 64, height: 64, originalWidth: 64, originalHeight: 64, hasAlpha: false };
    await detectObjectsAndFaces(this.human, this.detector, blank, { mirrored: false });
  }

  /**
   * Objects, faces and statistics, and the text too unless another worker reads it (`share` given):
   * onnxruntime runs synchronously on the calling thread, so text read here waits its turn. A
   * worker reading the text gets the decoded pixels as soon as they exist, not the file to decode again.
   */
  async analyse(request: AnalyseRequest, share?: (text: TextSource) => void): Promise<AnalysedImage> {
    const { timings, timed } = timer();
    const decoded = await timed('decode', () => decodeImage(request.image));
    const stats = await timed('stats', () => imageStats(decoded));
    const smallPrint = stats.flatness >= SMALL_PRINT_FLATNESS;
    share?.({ pixels: decoded.data, width: decoded.width, height: decoded.height, smallPrint });
    const [{ objects, faces, mirrored }, text] = await Promise.all([
      timed('detect', () => detectObjectsAndFaces(this.human, this.detector, decoded, { mirrored: this.options.mirroredPass })),
      share ? undefined : timed('ocr', () => this.ocr.read(decoded, { smallPrint })),
    ]);
    return { originalName: request.originalName, embedded: request.embedded, stats, objects, mirroredPass: mirrored, faces, text, timings };
  }

  /** The text of an image only (another worker's), from its decoded pixels or from the file. */
  async readText(source: TextSource): Promise<{ text: TextSignals; timings: Record<string, number> }> {
    const { timings, timed } = timer();
    const text = await timed('ocr', async () => {
      if ('pixels' in source) {
        const { pixels, width, height, smallPrint } = source;
        return this.ocr.read({ data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), width, height }, { smallPrint });
      }
      const decoded = await decodeImage(Buffer.from(source.encoded.buffer, source.encoded.byteOffset, source.encoded.byteLength));
      return this.ocr.read(decoded, { smallPrint: (await imageStats(decoded)).flatness >= SMALL_PRINT_FLATNESS });
    });
    return { text, timings };
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

/** Milliseconds per named stage. */
function timer() {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - start);
    }
  };
  return { timings, timed };
}
