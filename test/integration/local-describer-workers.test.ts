import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createLocalDescriber, type LocalDescriber } from '../../server/describers/local';
import type { Signals } from '../../server/describers/local/signals';
import { FIXTURES } from '../helpers/signal-fixtures';

const IMAGES = ['people-three.jpg', 'animals-horses.jpg', 'sign-street.jpg'];

async function analyseAll(describer: LocalDescriber): Promise<Signals[]> {
  const out: Signals[] = [];
  for (const name of IMAGES) {
    const image = fs.readFileSync(path.join(FIXTURES, 'images', name));
    out.push(await describer.analyse({ image, mimeType: 'image/jpeg', width: 0, height: 0, originalName: name, embedded: {} }));
  }
  return out;
}

describe('local describer: two inference workers', function () {
  this.timeout(90_000);

  it('reads the same text, objects and faces when the idle second worker reads the text', async () => {
    const single = createLocalDescriber({ workers: 1 });
    const pair = createLocalDescriber({ workers: 2 });
    try {
      const alone = await analyseAll(single);
      // The second worker loads once the first is ready; from then on it helps.
      await analyseAll(pair);
      const helped = await analyseAll(pair);
      // One image keeps both workers busy: its analysis on one, and once decoded, its text on the other.
      const name = IMAGES[2];
      let settled = false;
      const call = pair.analyse({ image: fs.readFileSync(path.join(FIXTURES, 'images', name)), mimeType: 'image/jpeg', width: 0, height: 0, originalName: name, embedded: {} });
      void call.finally(() => (settled = true));
      let most = 0;
      while (!settled) {
        most = Math.max(most, pair.pending);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(most).to.equal(2);
      expect(alone.some((s) => s.text.lines.length > 0)).to.equal(true);
      expect(helped.map((s) => s.text)).to.deep.equal(alone.map((s) => s.text));
      expect(helped.map((s) => s.objects)).to.deep.equal(alone.map((s) => s.objects));
      expect(helped.map((s) => s.faces)).to.deep.equal(alone.map((s) => s.faces));
    } finally {
      await Promise.all([single.close(), pair.close()]);
    }
  });

  it('loads its models when warmed, before any image arrives (the server warms it after boot)', async () => {
    let ready!: () => void;
    const loaded = new Promise<void>((resolve) => (ready = resolve));
    const describer = createLocalDescriber({ workers: 1, onReady: () => ready() });
    try {
      describer.warm();
      await loaded;
      expect(describer.pending).to.equal(0);
    } finally {
      await describer.close();
    }
  });

  it('describes two images at once, one per worker', async () => {
    const pair = createLocalDescriber({ workers: 2 });
    try {
      const images = IMAGES.slice(0, 2).map((name) => ({ name, image: fs.readFileSync(path.join(FIXTURES, 'images', name)) }));
      const both = images.map(({ name, image }) => pair.analyse({ image, mimeType: 'image/jpeg', width: 0, height: 0, originalName: name, embedded: {} }));
      expect(pair.pending).to.equal(2);
      const results = await Promise.all(both);
      expect(results.map((s) => s.originalName)).to.deep.equal(IMAGES.slice(0, 2));
    } finally {
      await pair.close();
    }
  });
});
