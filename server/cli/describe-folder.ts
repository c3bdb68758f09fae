import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Description, Describer, DescribeOptions } from '../describers/types';
import { prepareImage } from '../services/ingest/prepare';
import type { ResultsFile } from './results-file';
import { originalBytes, writeText, BACKUP_SUFFIX, type WriteText } from './write-text';

/** The files the command tries: by extension; anything else in the folder is left alone. */
const IMAGE_FILE = /\.(jpe?g|png|webp|gif|avif|tiff?)$/i;
/** As the server's MAX_IMAGE_PIXELS default: larger images are refused as decompression bombs. */
const MAX_PIXELS = 100_000_000;

export interface FolderRun {
  folder: string;
  recursive: boolean;
  options: DescribeOptions;
  concurrency: number;
  /** At most this many images are described in this run (skipped ones do not count). */
  limit: number;
  force: boolean;
  dryRun: boolean;
  /** Also write the text into the files (copies or in place) or into sidecars. */
  writeText?: WriteText;
}

export interface FolderEvents {
  start(total: number): void;
  /** One image finished: described, skipped as already done, or failed with a reason. */
  step(outcome: 'done' | 'skipped' | 'failed', file: string, reason?: string): void;
}

export interface FolderSummary {
  done: number;
  skipped: number;
  failed: { file: string; reason: string }[];
  /** Files written with something to know: an XMP packet replaced rather than merged, and why. */
  notes: { file: string; note: string }[];
  /** With --dry-run: the files that would be described. */
  planned: string[];
}

/** Image files under `folder`, in a stable order, as paths relative to it. */
export function listImages(folder: string, recursive: boolean): string[] {
  const entries = fs.readdirSync(folder, { withFileTypes: true, recursive });
  return entries
    .filter((entry) => entry.isFile() && IMAGE_FILE.test(entry.name) && !entry.name.endsWith(BACKUP_SUFFIX))
    .map((entry) => path.relative(folder, path.join(entry.parentPath ?? folder, entry.name)))
    .sort();
}

/** The options' share of an image's key: the same file described with other options is new work. */
export function optionsHash(options: DescribeOptions): string {
  return crypto.createHash('sha256').update(JSON.stringify(options)).digest('hex').slice(0, 16);
}

/** Describes one file's bytes: here with the offline describer, or through a server's API. `key` names the work. */
export type DescribeFile = (bytes: Buffer, fileName: string, key: string) => Promise<Description>;

/** The offline describer in this process, on a working copy made as the server makes it. */
export function describeHere(describer: Describer, options: DescribeOptions): DescribeFile {
  return async (bytes, fileName) => {
    const prepared = await prepareImage(bytes, MAX_PIXELS);
    const input = { image: prepared.workingCopy, mimeType: 'image/jpeg', width: prepared.width, height: prepared.height, originalName: fileName, embedded: prepared.embedded };
    return describer.describe(input, options);
  };
}

/** Describes the folder's images that the results file does not hold yet, `concurrency` at a time. */
export async function describeFolder(run: FolderRun, describeFile: DescribeFile, results: ResultsFile, events: FolderEvents): Promise<FolderSummary> {
  const files = listImages(run.folder, run.recursive);
  const summary: FolderSummary = { done: 0, skipped: 0, failed: [], notes: [], planned: [] };
  const optionsKey = optionsHash(run.options);
  events.start(files.length);
  let next = 0;
  let started = 0;
  const work = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i];
      try {
        const bytes = run.writeText?.mode === 'backup' ? originalBytes(run.folder, file) : fs.readFileSync(path.join(run.folder, file));
        const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
        const key = `${sha256}:${optionsKey}`;
        if (!run.force && results.done.has(key)) {
          summary.skipped += 1;
          events.step('skipped', file);
          continue;
        }
        if (started >= run.limit) continue;
        started += 1;
        if (run.dryRun) {
          summary.planned.push(file);
          continue;
        }
        const d = await describeFile(bytes, path.basename(file), key);
        const notes = run.writeText ? writeText(run.writeText, run.folder, file, bytes, d, run.options.language) : [];
        summary.notes.push(...notes.map((note) => ({ file, note })));
        results.append({
          key, path: file, sha256, alt_text: d.alt_text, caption: d.caption, title: d.title, description: d.description, tags: d.tags,
          filename: d.filename, text: d.text, decorative: d.decorative, describer: d.provenance.describer, model: d.provenance.model,
        });
        summary.done += 1;
        events.step('done', file);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        summary.failed.push({ file, reason });
        events.step('failed', file, reason);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, run.concurrency) }, work));
  return summary;
}
