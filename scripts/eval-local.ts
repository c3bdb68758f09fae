import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createLocalDescriber } from '../server/describers/local';
import { compose } from '../server/describers/local/compose';
import type { Signals } from '../server/describers/local/signals';
import { DEFAULT_DESCRIBE_OPTIONS } from '../server/describers/types';
import { readEmbeddedText } from '../server/services/ingest/embedded';
import { characterErrors, scoreObjects, wrongSubject, type Label } from './eval/measures';

/**
 * npm run eval:local [-- --signals DIR] [-- --save-signals DIR]
 * Describes every image of ../shared/eval with the offline describer and prints the measures of
 * its README. --save-signals records the detector signals; --signals re-composes recorded ones
 * (fast, for working on the wording rules without running the detectors).
 */
const GOALS = { recall: 0.85, precision: 0.92, ocr: 0.97, invented: 0, wrongSubject: 0 };

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function signalsFor(file: string, describer: ReturnType<typeof createLocalDescriber> | undefined, cached?: string): Promise<Signals> {
  const name = path.basename(file);
  if (cached) return JSON.parse(fs.readFileSync(path.join(cached, name.replace(/\.[^.]+$/, '.json')), 'utf8')) as Signals;
  const image = fs.readFileSync(file);
  const meta = await sharp(image).metadata();
  // As ingest does: the embedded caption and keywords travel as text, never as metadata in the bytes.
  return (describer as ReturnType<typeof createLocalDescriber>).analyse({
    image,
    mimeType: `image/${meta.format}`,
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    originalName: name,
    embedded: await readEmbeddedText(image),
  });
}

function ratio(n: number, d: number): string {
  return d === 0 ? 'n/a' : (n / d).toFixed(3);
}

async function main(): Promise<void> {
  const evalDir = path.resolve(process.cwd(), '..', 'shared', 'eval');
  const labelsFile = path.join(evalDir, 'labels.json');
  if (!fs.existsSync(labelsFile)) {
    console.log(`No evaluation set at ${evalDir} (labels.json missing); nothing to measure.`);
    return;
  }
  const labels = JSON.parse(fs.readFileSync(labelsFile, 'utf8')) as Record<string, Label>;
  const cached = argument('--signals');
  const save = argument('--save-signals');
  if (save) fs.mkdirSync(save, { recursive: true });
  const describer = cached ? undefined : createLocalDescriber();
  let found = 0, required = 0, correct = 0, named = 0, ocrErrors = 0, ocrLength = 0, invented = 0;
  const wrongSubjects: string[] = [];
  const latencies: number[] = [];
  try {
    for (const [name, label] of Object.entries(labels)) {
      const file = path.join(evalDir, 'images', name);
      const start = Date.now();
      const signals = await signalsFor(file, describer, cached);
      if (!cached) latencies.push(Date.now() - start);
      if (save) fs.writeFileSync(path.join(save, name.replace(/\.[^.]+$/, '.json')), JSON.stringify(signals, null, 2) + '\n');
      const d = compose(signals, DEFAULT_DESCRIBE_OPTIONS);
      const objects = scoreObjects(d.tags, label);
      found += objects.found.length;
      required += label.coco.length;
      correct += objects.named.length - objects.wrong.length;
      named += objects.named.length;
      let textNote = '';
      if (label.text) {
        const { errors, length } = characterErrors(d.text, label.text);
        ocrErrors += errors;
        ocrLength += length;
        textNote = ` ocr ${(1 - errors / length).toFixed(3)}`;
      } else if (!label.text_minor && d.text) {
        invented += d.text.replace(/\s/g, '').length;
        textNote = ` INVENTED TEXT “${d.text}”`;
      }
      const subject = wrongSubject(d.alt_text, label);
      if (subject) wrongSubjects.push(`${name} (“${subject}”)`);
      const misses = objects.missed.length ? ` missed: ${objects.missed.join(', ')}` : '';
      const wrong = objects.wrong.length ? ` wrong: ${objects.wrong.join(', ')}` : '';
      console.log(`${name}\n  alt: ${d.alt_text}\n  tags: ${d.tags.join(', ')}${misses}${wrong}${textNote}${subject ? ` WRONG SUBJECT “${subject}”` : ''}`);
    }
  } finally {
    await describer?.close();
  }
  const recall = found / required;
  const precision = named === 0 ? 1 : correct / named;
  const ocr = ocrLength === 0 ? 1 : Math.max(0, 1 - ocrErrors / ocrLength);
  const mark = (ok: boolean) => (ok ? 'meets goal' : 'BELOW GOAL');
  console.log('\nOffline describer on', Object.keys(labels).length, 'images');
  console.log(`  object recall      ${ratio(found, required)} (${found}/${required})  goal ≥ ${GOALS.recall}  ${mark(recall >= GOALS.recall)}`);
  console.log(`  object precision   ${precision.toFixed(3)} (${correct}/${named})  goal ≥ ${GOALS.precision}  ${mark(precision >= GOALS.precision)}`);
  console.log(`  OCR char accuracy  ${ocr.toFixed(3)} (${ocrLength} reference characters)  goal ≥ ${GOALS.ocr}  ${mark(ocr >= GOALS.ocr)}`);
  console.log(`  invented text      ${invented} characters  goal ${GOALS.invented}  ${mark(invented <= GOALS.invented)}`);
  console.log(`  wrong subject      ${wrongSubjects.length} images  goal ${GOALS.wrongSubject}  ${mark(wrongSubjects.length <= GOALS.wrongSubject)}${wrongSubjects.length ? `: ${wrongSubjects.join(', ')}` : ''}`);
  if (latencies.length > 0) {
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`  time per image     median ${sorted[Math.floor(sorted.length / 2)]} ms (first includes model loading: ${latencies[0]} ms)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
