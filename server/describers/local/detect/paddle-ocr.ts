import sharp from 'sharp';
import type { RelativeBox, TextLine, TextSignals } from '../signals';
import { isReadable, readableWeight, readingOrder } from './text-filter';
import { fromDecoded, type DecodedImage } from './decode';

interface PaddleLine {
  text: string;
  mean: number;
  box?: number[][];
}
interface PaddleOcr {
  detect(image: Buffer): Promise<PaddleLine[]>;
}
interface PaddleModule {
  default: { create(options: object): Promise<PaddleOcr> };
}

export interface OcrEngine {
  readonly name: TextSignals['engine'];
  /** PaddleOCR's detector runs at the input's full resolution: the decoded copy is bounded to 1280 px. */
  read(image: DecodedImage): Promise<TextSignals>;
  close(): Promise<void>;
}

/** PP-OCRv4 on onnxruntime-node; throws when the native runtime cannot load on this platform. */
export async function createPaddleOcr(): Promise<OcrEngine> {
  // An ES module; Node ≥ 20.19 loads it through require().
  const { default: Ocr } = require('@gutenye/ocr-node') as PaddleModule;
  const ocr = await Ocr.create({
    onnxOptions: {
      executionProviders: ['cpu'],
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      // The arena keeps peak buffers for the process lifetime; off saves ~100 MB (notes §7.3).
      enableCpuMemArena: false,
    },
  });

  async function readAt(png: Buffer, width: number, height: number): Promise<{ lines: TextLine[]; raw: number }> {
    const found = await ocr.detect(png);
    const lines = found
      .filter((l) => l.box && l.box.length === 4)
      .map((l) => ({ text: l.text.trim(), confidence: Math.round(l.mean * 1000) / 1000, box: boxOf(l.box as number[][], width, height) }));
    return { lines: readingOrder(lines.filter((l) => isReadable(l))), raw: lines.length };
  }

  return {
    name: 'paddleocr',
    async read(image) {
      // Uncompressed PNG: the OCR package only takes encoded images, and zlib would cost ~20 ms.
      const { data: png, info } = await fromDecoded(image).png({ compressionLevel: 0 }).toBuffer({ resolveWithObject: true });
      const upright = await readAt(png, info.width, info.height);
      let best: TextSignals = { engine: 'paddleocr', rotation: 0, lines: upright.lines, rawLineCount: upright.raw };
      // The pipeline has no angle classifier: sideways text is found as boxes but reads as junk.
      if (upright.lines.length === 0 && upright.raw >= 2) {
        for (const rotation of [90, 270] as const) {
          const turned = await sharp(png).rotate(rotation).png({ compressionLevel: 0 }).toBuffer({ resolveWithObject: true });
          const attempt = await readAt(turned.data, turned.info.width, turned.info.height);
          if (readableWeight(attempt.lines) > readableWeight(best.lines)) {
            best = { engine: 'paddleocr', rotation, lines: attempt.lines, rawLineCount: attempt.raw };
          }
        }
      }
      return best;
    },
    async close() {},
  };
}

/** Axis-aligned relative box around the four corner points PaddleOCR returns. */
function boxOf(points: number[][], width: number, height: number): RelativeBox {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.max(0, Math.min(...xs)) / width;
  const y = Math.max(0, Math.min(...ys)) / height;
  const w = (Math.min(width, Math.max(...xs)) - Math.max(0, Math.min(...xs))) / width;
  const h = (Math.min(height, Math.max(...ys)) - Math.max(0, Math.min(...ys))) / height;
  return [x, y, w, h].map((v) => Math.round(v * 10000) / 10000) as RelativeBox;
}
