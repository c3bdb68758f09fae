import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Human, Config, Result, Tensor3D } from '@vladmandic/human';
import type { DetectedFace, DetectedObject, RelativeBox } from '../signals';
import { fromDecoded, type DecodedImage } from './decode';

/** CenterNet's input is 512 px; 1024 keeps small objects visible while bounding the wasm heap. */
const DETECTOR_MAX_SIDE = 1024;
/**
 * Faces are found on a smaller copy: BlazeFace reads 256 px anyway, and on a 1024-px input Human's
 * face crops cost ~6× more CPU for the same faces.
 */
const FACE_MAX_SIDE = 512;
/** Raw threshold; compose() applies the real one after looking at every box. */
const RAW_OBJECT_THRESHOLD = 0.15;
/**
 * The mirrored pass only settles borderline detections (compose() keeps 0.3, worn items 0.2, and
 * discounts unconfirmed ones by 0.9): when the first pass has none in this band it is skipped.
 */
const BORDERLINE = [0.2, 0.34] as const;

type HumanModule = { Human: new (config: Partial<Config>) => Human };

/**
 * Human's package "exports" keys lack the "./" prefix, so its wasm build cannot be required by
 * subpath; it is loaded by absolute path. Models and wasm binaries come from node_modules
 * (Human's defaults point at a CDN and at ./models relative to the working directory).
 */
export async function loadHuman(): Promise<Human> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
  wasm.setWasmPaths(wasmDir);
  const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
  const { Human: HumanClass } = require(path.join(humanDir, 'dist/human.node-wasm.js')) as HumanModule;
  const human = new HumanClass({
    backend: 'wasm',
    wasmPath: wasmDir,
    modelBasePath: pathToFileURL(path.join(humanDir, 'models')).href + '/',
    // Still images, not video: no frame skipping or result caching between calls.
    cacheSensitivity: 0,
    skipAllowed: false,
    warmup: 'none',
    debug: false,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 20, minConfidence: 0.5, skipFrames: 0 },
      mesh: { enabled: false },
      iris: { enabled: false },
      attention: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      // Age and gender are never used, so the model that guesses them is not even run.
      description: { enabled: false },
      emotion: { enabled: true, skipFrames: 0 },
    } as Config['face'],
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
    object: { enabled: true, modelPath: 'centernet.json', minConfidence: RAW_OBJECT_THRESHOLD, maxDetected: 30, iouThreshold: 0.4, skipFrames: 0 } as Config['object'],
  });
  await human.load();
  await human.init();
  return human;
}

function relative(box: [number, number, number, number]): RelativeBox {
  return box.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000) as RelativeBox;
}

/** Interleaved RGB pixels as the detector reads them. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Runs the mirrored pass on another thread for the same pixels (boxes as for the image given). */
export type MirrorHelper = (pixels: Pixels) => Promise<DetectedObject[]>;

/** Runs CenterNet on the image (and its mirror when it has borderline boxes) and BlazeFace on a smaller copy. */
export async function detectObjectsAndFaces(
  human: Human,
  image: DecodedImage,
  options: { mirrored: boolean; helper?: MirrorHelper },
): Promise<{ objects: DetectedObject[]; faces: DetectedFace[]; mirrored: boolean }> {
  const pixels = await pixelsOf(image, DETECTOR_MAX_SIDE);
  // Started before the direct pass says whether it is needed: on an idle core it then costs no time.
  const remote = options.mirrored && options.helper ? options.helper(pixels).catch(() => undefined) : undefined;
  const tensor = tensorOf(human, pixels);
  const small = tensorOf(human, await pixelsOf(image, FACE_MAX_SIDE));
  try {
    // detect() merges its config argument into the instance, so each pass states what it runs.
    const direct = await human.detect(tensor, { face: { enabled: false }, object: { enabled: true } } as Partial<Config>);
    const faces = facesOf(await human.detect(small, { face: { enabled: true }, object: { enabled: false } } as Partial<Config>));
    const objects = objectsOf(direct, 'direct');
    const mirrored = options.mirrored && objects.some((o) => o.score >= BORDERLINE[0] && o.score < BORDERLINE[1]);
    if (mirrored) objects.push(...((await remote) ?? (await mirroredPass(human, tensor))));
    return { objects, faces, mirrored };
  } finally {
    tensor.dispose();
    small.dispose();
  }
}

/** The mirrored pass on pixels sent by another worker. */
export async function mirroredObjects(human: Human, pixels: Pixels): Promise<DetectedObject[]> {
  const tensor = tensorOf(human, pixels);
  try {
    return await mirroredPass(human, tensor);
  } finally {
    tensor.dispose();
  }
}

async function mirroredPass(human: Human, tensor: Tensor3D): Promise<DetectedObject[]> {
  const flipped = human.tf.tidy(() => human.tf.reverse(tensor, 1));
  try {
    const mirror = await human.detect(flipped, { face: { enabled: false }, object: { enabled: true } } as Partial<Config>);
    return objectsOf(mirror, 'mirrored').map(unmirror);
  } finally {
    flipped.dispose();
  }
}

async function pixelsOf(image: DecodedImage, maxSide: number): Promise<Pixels> {
  const { data, info } = await fromDecoded(image).resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function tensorOf(human: Human, pixels: Pixels): Tensor3D {
  return human.tf.tensor3d(Int32Array.from(pixels.data), [pixels.height, pixels.width, 3], 'int32');
}

function objectsOf(result: Result, pass: DetectedObject['pass']): DetectedObject[] {
  return result.object.map((o) => ({ label: o.label, score: round(o.score), box: relative(o.boxRaw), pass }));
}

function unmirror(o: DetectedObject): DetectedObject {
  const [x, y, w, h] = o.box;
  return { ...o, box: relative([1 - x - w, y, w, h]) };
}

function facesOf(result: Result): DetectedFace[] {
  return result.face.map((f) => ({
    score: round(f.boxScore ?? f.score),
    box: relative(f.boxRaw),
    smile: round(f.emotion?.find((e) => e.emotion === 'happy')?.score ?? 0),
  }));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
