import type { Human, Config, Result } from '@vladmandic/human';
import type { DetectedObject, RelativeBox } from '../signals';
import { loadCenterNet, type CenterNet } from './centernet';
import { COCO_LABELS } from './coco-labels';

/** Interleaved RGB pixels as the detector reads them. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Raw threshold; compose() applies the real one after looking at every box. */
const RAW_OBJECT_THRESHOLD = 0.15;
/** Human's defaults for CenterNet. */
const MAX_DETECTED = 30;
const IOU_THRESHOLD = 0.4;

/** CenterNet on COCO: one pass over the image or its mirror image, boxes given as in the image itself. */
export interface ObjectDetector {
  readonly runtime: 'onnxruntime' | 'wasm';
  objects(pixels: Pixels, pass: DetectedObject['pass']): Promise<DetectedObject[]>;
}

/**
 * CenterNet on onnxruntime when it loads here; otherwise Human's own CenterNet on the wasm
 * backend (the same network and decoding, about three times slower).
 */
export async function loadObjectDetector(human: Human, opts: { threads: number; runtime: 'auto' | 'wasm' }, notes: string[]): Promise<ObjectDetector> {
  if (opts.runtime === 'auto') {
    try {
      return onnxDetector(await loadCenterNet({ threads: opts.threads }));
    } catch (error) {
      notes.push(`objects detected on the wasm backend because onnxruntime could not load (${(error as Error).message})`);
    }
  }
  await human.load({ object: { enabled: true } } as Partial<Config>);
  return wasmDetector(human);
}

function onnxDetector(centernet: CenterNet): ObjectDetector {
  return {
    runtime: 'onnxruntime',
    async objects(pixels, pass) {
      const mirrored = pass === 'mirrored';
      const found = await centernet.detect(pixels, { mirrored, minScore: RAW_OBJECT_THRESHOLD, maxDetected: MAX_DETECTED, iouThreshold: IOU_THRESHOLD });
      return found.map((d) => place({ label: COCO_LABELS[d.classIndex], score: d.score, box: relative(d.box), pass }));
    },
  };
}

function wasmDetector(human: Human): ObjectDetector {
  const config = { face: { enabled: false }, object: { enabled: true, minConfidence: RAW_OBJECT_THRESHOLD, maxDetected: MAX_DETECTED, iouThreshold: IOU_THRESHOLD } };
  return {
    runtime: 'wasm',
    async objects(pixels, pass) {
      const tensor = human.tf.tidy(() => {
        const t = human.tf.tensor3d(Int32Array.from(pixels.data), [pixels.height, pixels.width, 3], 'int32');
        return pass === 'mirrored' ? human.tf.reverse(t, 1) : t;
      });
      try {
        // detect() merges its config argument into the instance, so each pass states what it runs.
        const result: Result = await human.detect(tensor, config as Partial<Config>);
        return result.object.map((o) => place({ label: o.label, score: o.score, box: relative(o.boxRaw), pass }));
      } finally {
        tensor.dispose();
      }
    },
  };
}

/** A box found in the mirror image, moved back to where it is in the image. */
function place(o: DetectedObject): DetectedObject {
  if (o.pass !== 'mirrored') return o;
  const [x, y, w, h] = o.box;
  return { ...o, box: relative([1 - x - w, y, w, h]) };
}

export function relative(box: [number, number, number, number]): RelativeBox {
  return box.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000) as RelativeBox;
}
