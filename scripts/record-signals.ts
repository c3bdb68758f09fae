import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { createLocalDescriber } from '../server/describers/local';
import { readEmbeddedText } from '../server/services/ingest/embedded';

/**
 * Records the detector signals of images as JSON, for compose() unit tests:
 *   node dist/scripts/record-signals.js <out-dir> <image>...
 */
async function main(): Promise<void> {
  const [outDir, ...images] = process.argv.slice(2);
  if (!outDir || images.length === 0) {
    console.error('usage: node dist/scripts/record-signals.js <out-dir> <image>...');
    process.exitCode = 2;
    return;
  }
  await fs.mkdir(outDir, { recursive: true });
  const describer = createLocalDescriber();
  try {
    for (const file of images) {
      const image = await fs.readFile(file);
      const meta = await sharp(image).metadata();
      const signals = await describer.analyse({
        image,
        mimeType: `image/${meta.format}`,
        width: meta.width ?? 0,
        height: meta.height ?? 0,
        originalName: path.basename(file),
        embedded: await readEmbeddedText(image),
      });
      const out = path.join(outDir, path.basename(file).replace(/\.[^.]+$/, '') + '.json');
      await fs.writeFile(out, JSON.stringify(signals, null, 2) + '\n');
      console.log(`${file} → ${out}`);
    }
  } finally {
    await describer.close();
  }
}

void main();
