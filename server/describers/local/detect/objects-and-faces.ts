import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Human, Config, Result } from '@vladmandic/human';
import type { DetectedFace, DetectedObject } from '../signals';
import { fromDecoded, type DecodedImage } from './decode';
import { relative, type ObjectDetector, type Pixels } from './objects';

/**
 * CenterNet's input is 512 px; stretched down from a 1024-px copy (by its own resize) it finds more
 * than in a 512-px copy made by sharp, which lost recall on the evaluation set.
 */
const DETECTOR_MAX_SIDE = 1024;
/**
 * Faces are found on a smaller copy: BlazeFace reads 256 px anyway, and on a 1024-px input Human's
 * face crops cost ~6× more CPU for the same faces.
 */
const FACE_MAX_SIDE = 512;
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
    // Objects come from onnxruntime (./centernet); this model is loaded only as the fallback.
    object: { enabled: false, modelPath: 'centernet.json', skipFrames: 0 } as Config['object'],
  });
  await human.load();
  await human.init();
  return human;
}

/** Runs CenterNet on the image (and its mirror when it has borderline boxes) and BlazeFace on a smaller copy. */
export async function detectObjectsAndFaces(
  human: Human,
  detector: ObjectDetector,
  image: DecodedImage,
  options: { mirrored: boolean },
): Promise<{ objects: DetectedObject[]; faces: DetectedFace[]; mirrored: boolean }> {
  const pixels = await pixelsOf(image, DETECTOR_MAX_SIDE);
  const objects = await detector.objects(pixels, 'direct');
  const faces = await detectFaces(human, await pixelsOf(image, FACE_MAX_SIDE));
  const mirrored = options.mirrored && objects.some((o) => o.score >= BORDERLINE[0] && o.score < BORDERLINE[1]);
  if (mirrored) objects.push(...(await detector.objects(pixels, 'mirrored')));
  return { objects, faces, mirrored };
}

async function detectFaces(human: Human, pixels: Pixels): Promise<DetectedFace[]> {
  const tensor = human.tf.tensor3d(Int32Array.from(pixels.data), [pixels.height, pixels.width, 3], 'int32');
  try {
    return facesOf(await human.detect(tensor, { face: { enabled: true }, object: { enabled: false } } as Partial<Config>));
  } finally {
    tensor.dispose();
  }
}

async function pixelsOf(image: DecodedImage, maxSide: number): Promise<Pixels> {
  const { data, info } = await fromDecoded(image).resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
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
