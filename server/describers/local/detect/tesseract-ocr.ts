import path from 'node:path';
import Tesseract from 'tesseract.js';
import type { RelativeBox, TextLine } from '../signals';
import type { OcrEngine } from './paddle-ocr';
import { isReadable, readingOrder } from './text-filter';
import { fromDecoded } from './decode';

/** Tesseract reports 0..100; its lines on photos are confident-looking junk below this. */
const MIN_TESSERACT_CONFIDENCE = 0.8;

/**
 * All-wasm fallback for platforms where onnxruntime-node has no binary. The English data ships in
 * @tesseract.js-data/eng; a local langPath is read from disk (the default is a CDN) and
 * cacheMethod 'none' stops it writing eng.traineddata into the working directory.
 */
export async function createTesseractOcr(): Promise<OcrEngine> {
  const engDir = path.dirname(require.resolve('@tesseract.js-data/eng'));
  const worker = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, {
    langPath: path.join(engDir, '4.0.0_best_int'),
    gzip: true,
    cacheMethod: 'none',
  });
  return {
    name: 'tesseract',
    async read(image) {
      const { data: png, info } = await fromDecoded(image).png({ compressionLevel: 0 }).toBuffer({ resolveWithObject: true });
      const { data } = await worker.recognize(png, {}, { blocks: true });
      const all: TextLine[] = (data.blocks ?? []).flatMap((b) =>
        b.paragraphs.flatMap((p) =>
          p.lines.map((l) => ({
            text: l.text.replace(/\s+/g, ' ').trim(),
            confidence: Math.round(l.confidence * 10) / 1000,
            box: boxOf(l.bbox, info.width, info.height),
          })),
        ),
      );
      const lines = readingOrder(all.filter((l) => isReadable(l, MIN_TESSERACT_CONFIDENCE)));
      return { engine: 'tesseract', rotation: 0, lines, rawLineCount: all.length };
    },
    async close() {
      await worker.terminate();
    },
  };
}

function boxOf(b: Tesseract.Bbox, width: number, height: number): RelativeBox {
  return [b.x0 / width, b.y0 / height, (b.x1 - b.x0) / width, (b.y1 - b.y0) / height].map(
    (v) => Math.round(v * 10000) / 10000,
  ) as RelativeBox;
}
