import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { embedMetadataParts } from '../server/services/embed-metadata';
import { writeWhole } from '../server/cli/write-text';

/**
 * Writing the text into 1,000 JPEGs (read, embed, write through a temporary file and a rename, with
 * the command line's own writer) against copying the same files (read and write) in the same run. Goal: at most
 * 1.5 times the copy. Three rounds each, alternating; the best round of each is compared.
 */
const FILES = 1000;
const ROUNDS = 3;

function copyAll(from: string[], to: string): number {
  const started = performance.now();
  for (const file of from) fs.writeFileSync(path.join(to, path.basename(file)), fs.readFileSync(file));
  return performance.now() - started;
}

function embedAll(from: string[], to: string): number {
  const started = performance.now();
  for (const [i, file] of from.entries()) {
    const target = path.join(to, path.basename(file));
    const parts = embedMetadataParts(fs.readFileSync(file), {
      altText: `A red bicycle leaning against a brick wall, photo ${i}`, extendedDescription: 'A red city bicycle with a wicker basket leans against a weathered brick wall.',
      caption: 'A red bicycle by a wall.', title: 'Red bicycle', tags: ['bicycle', 'red', 'wall'], language: 'en',
    });
    writeWhole(target, parts);
  }
  return performance.now() - started;
}

export async function benchEmbedMetadata(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-embed-'));
  try {
    const source = path.join(dir, 'source');
    fs.mkdirSync(source);
    // Noise, so each file is the size of a real photo rather than a few kilobytes of flat colour.
    const jpeg = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 85 }).withMetadata().toBuffer();
    const files = Array.from({ length: FILES }, (_, i) => path.join(source, `photo-${i}.jpg`));
    for (const file of files) fs.writeFileSync(file, jpeg);
    const copies: number[] = [];
    const embeds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run, times] of [['copy', copyAll, copies], ['embed', embedAll, embeds]] as const) {
        const out = path.join(dir, `${name}-${round}`);
        fs.mkdirSync(out);
        times.push(run(files, out));
        fs.rmSync(out, { recursive: true, force: true });
      }
    }
    const copy = Math.min(...copies);
    const embed = Math.min(...embeds);
    console.log(`${FILES} JPEGs of ${(jpeg.length / 1024).toFixed(0)} KB: copying ${copy.toFixed(0)} ms, writing the text in ${embed.toFixed(0)} ms`);
    console.log(`writing the text / copying: ${(embed / copy).toFixed(2)}× (goal ≤ 1.5×)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
