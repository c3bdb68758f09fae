import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createLocalDescriber, type LocalDescriber } from '../../server/describers/local';
import type { Signals } from '../../server/describers/local/signals';
import { FIXTURES } from '../helpers/signal-fixtures';

async function analyseAll(describer: LocalDescriber): Promise<Signals[]> {
  const out: Signals[] = [];
  for (const name of fs.readdirSync(path.join(FIXTURES, 'images')).sort()) {
    const image = fs.readFileSync(path.join(FIXTURES, 'images', name));
    out.push(await describer.analyse({ image, mimeType: 'image/jpeg', width: 0, height: 0, originalName: name, embedded: {} }));
  }
  return out;
}

describe('local describer: CenterNet on onnxruntime', function () {
  this.timeout(90_000);

  it('runs on onnxruntime and finds the same objects, scores and boxes as Human on the wasm backend', async () => {
    const runtimes: string[] = [];
    const onReady = (info: { objectRuntime: string }) => runtimes.push(info.objectRuntime);
    const native = createLocalDescriber({ workers: 1, onReady });
    const wasm = createLocalDescriber({ workers: 1, objectRuntime: 'wasm', onReady });
    try {
      const fromNative = await analyseAll(native);
      const fromWasm = await analyseAll(wasm);
      expect(runtimes).to.deep.equal(['onnxruntime', 'wasm']);
      // Both passes are compared: the mirrored one runs wherever the first has borderline boxes.
      expect(fromNative.some((s) => s.mirroredPass)).to.equal(true);
      expect(fromNative.map((s) => s.mirroredPass)).to.deep.equal(fromWasm.map((s) => s.mirroredPass));
      expect(fromNative.flatMap((s) => s.objects).length).to.be.greaterThan(5);
      // Same labels from the same pass; scores and boxes equal up to float rounding between the two runtimes.
      const labels = (all: Signals[]) => all.map((s) => s.objects.map((o) => `${o.pass} ${o.label}`));
      expect(labels(fromNative)).to.deep.equal(labels(fromWasm));
      const wasmObjects = fromWasm.flatMap((s) => s.objects);
      fromNative.flatMap((s) => s.objects).forEach((o, i) => {
        expect(o.score).to.be.closeTo(wasmObjects[i].score, 0.011);
        o.box.forEach((v, j) => expect(v).to.be.closeTo(wasmObjects[i].box[j], 0.002));
      });
    } finally {
      await Promise.all([native.close(), wasm.close()]);
    }
  });
});
