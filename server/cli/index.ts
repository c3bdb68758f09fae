#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createOfflineDescriber } from '../describers';
import { DEFAULT_DESCRIBE_OPTIONS, type DescribeOptions } from '../describers/types';
import { parseDescribeOptions } from '../services/ingest/options';
import { createLogger } from '../logger';
import { describeFolder, describeHere } from './describe-folder';
import { describeThroughServer } from './remote';
import { SIDECAR_NAMINGS, type SidecarNaming, type WriteText } from './write-text';
import { ResultsFile } from './results-file';
import { progressReporter } from './progress';
import { auditCsvFile, auditFolder, reportText, writeReportFiles } from './audit-file';
import type { AuditReport } from '../services/audit/import';

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
};

/** The flags as the upload form's (and the API's) field names. */
function optionFields(opts: Record<string, unknown>): Record<string, string> {
  const fields = { language: opts.language, alt_text_length: opts.length, style: opts.style, context_title: opts.context, context_keywords: opts.keywords, instructions: opts.instructions, purpose: opts.purpose, link_target: opts.linkTarget };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The upload form's options from the command's flags; a bad one ends the command with its reason. */
function describeOptions(opts: Record<string, unknown>): DescribeOptions {
  try {
    return parseDescribeOptions(optionFields(opts), { ...DEFAULT_DESCRIBE_OPTIONS, context: {} });
  } catch (err) {
    return program.error((err as Error).message, { exitCode: 2 });
  }
}

/** The audit of a CSV file or of a folder's image files; what cannot be read or used ends the command with the reason. */
async function readAudit(source: string, recursive: boolean): Promise<AuditReport> {
  try {
    return fs.statSync(source, { throwIfNoEntry: false })?.isDirectory() ? await auditFolder(source, recursive) : auditCsvFile(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return program.error(code === 'ENOENT' ? `${source} is not a file or a folder.` : (err as Error).message, { exitCode: 2 });
  }
}

/** Where --embed, --out-dir, --backup and --sidecar say the text goes; never silently over an original. */
function writeTextOption(opts: Record<string, unknown>): WriteText | undefined {
  if (opts.sidecar && opts.embed) program.error('Choose --embed or --sidecar, not both.', { exitCode: 2 });
  if (opts.sidecarName && !opts.sidecar) program.error('--sidecar-name goes with --sidecar.', { exitCode: 2 });
  if (opts.sidecar) return { mode: 'sidecar', naming: (opts.sidecarName as SidecarNaming | undefined) ?? 'lightroom' };
  if (!opts.embed) {
    if (opts.outDir || opts.backup) program.error('--out-dir and --backup go with --embed.', { exitCode: 2 });
    return undefined;
  }
  if (Boolean(opts.outDir) === Boolean(opts.backup)) {
    program.error('--embed writes into files: add --out-dir FOLDER (copies) or --backup (in place, keeping each original), one of the two.', { exitCode: 2 });
  }
  return opts.outDir ? { mode: 'out-dir', outDir: path.resolve(String(opts.outDir)) } : { mode: 'backup' };
}

const program = new Command('sightline').description('Sightline on the command line: describe a folder of images on this machine, or audit the alt text a site has.');

program
  .command('describe')
  .description('Describe every image in a folder with the offline describer (nothing leaves this machine), or through a running Sightline. Running it again skips what is done.')
  .argument('<folder>', 'the folder of images')
  .requiredOption('-o, --out <file>', 'the results file, appended to as images finish (CSV, or JSON lines with --json)')
  .option('--json', 'write JSON lines instead of CSV')
  .option('-r, --recursive', 'include the folders inside it')
  .option('--language <code>', 'language of the text, e.g. en, de, fr; page: the language of --context')
  .option('--length <characters>', 'longest alt text, 40 to 1000 characters')
  .addOption(new Option('--style <style>', 'how the text is written').choices(['concise', 'descriptive', 'product']))
  .option('--context <topic>', 'the page or topic the images are for')
  .option('--keywords <words>', 'keywords to use where they fit')
  .option('--instructions <text>', 'more instructions for the describer')
  .addOption(new Option('--purpose <purpose>', 'where the images are used').choices(['informative', 'linked', 'functional', 'decorative', 'complex']))
  .option('--link-target <destination>', 'with linked or functional: where the link goes, or what the control does')
  // Four in flight keep both inference workers busy while the next images are read and prepared.
  .option('--concurrency <n>', 'images in flight at once (read, prepared, described)', positive, 4)
  .option('--limit <n>', 'describe at most this many images in this run', positive)
  .option('--dry-run', 'list what would be described, and describe nothing')
  .option('--force', 'describe again images the results file already holds')
  .option('--embed', 'also write the text into the image files (JPEG, PNG, WebP, TIFF), keeping their other XMP fields: needs --out-dir or --backup')
  .option('--out-dir <folder>', 'with --embed: write copies with the text here, leaving the originals as they are')
  .option('--backup', 'with --embed: write into the files themselves, keeping each original as name.ext.original')
  .option('--sidecar', 'write the text into .xmp sidecar files beside the images instead (an existing sidecar is merged into)')
  .addOption(new Option('--sidecar-name <style>', 'with --sidecar: lightroom (the default) names them photo.xmp for photo.jpg, as Lightroom, digiKam and Capture One read them; darktable names them photo.jpg.xmp').choices(SIDECAR_NAMINGS))
  .option('--server <url>', 'describe through a running Sightline instead (or SIGHTLINE_SERVER)')
  .option('--key <key>', 'its API key, with write scope (or SIGHTLINE_API_KEY)')
  .action(async (folder: string, opts: Record<string, string | boolean | number | undefined>) => {
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) program.error(`${folder} is not a folder.`, { exitCode: 2 });
    const options = describeOptions(opts);
    const textTo = writeTextOption(opts);
    const results = ResultsFile.open(path.resolve(String(opts.out)), opts.json ? 'jsonl' : 'csv');
    const server = (opts.server as string | undefined) ?? process.env.SIGHTLINE_SERVER;
    const apiKey = (opts.key as string | undefined) ?? process.env.SIGHTLINE_API_KEY;
    if (server && !apiKey) program.error('--server needs --key (or SIGHTLINE_API_KEY): an API key with write scope.', { exitCode: 2 });
    const describer = server ? undefined : createOfflineDescriber(createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr));
    const describeFile = describer ? describeHere(describer, options) : describeThroughServer(server as string, apiKey as string, optionFields(opts));
    const progress = progressReporter();
    try {
      const summary = await describeFolder(
        { folder, recursive: Boolean(opts.recursive), options, concurrency: Number(opts.concurrency), limit: Number(opts.limit ?? Infinity), force: Boolean(opts.force), dryRun: Boolean(opts.dryRun), writeText: textTo },
        describeFile,
        results,
        progress,
      );
      progress.stop();
      if (opts.dryRun) {
        for (const file of summary.planned) process.stdout.write(`${file}\n`);
        process.stderr.write(`Would describe ${summary.planned.length}; ${summary.skipped} already done.\n`);
      } else {
        process.stderr.write(`${summary.done} described, ${summary.skipped} skipped (already done), ${summary.failed.length} failed.\n`);
        for (const { file, reason } of summary.failed) process.stderr.write(`  failed: ${file}: ${reason}\n`);
        for (const { file, note } of summary.notes) process.stderr.write(`  note: ${file}: ${note}\n`);
      }
      process.exitCode = summary.failed.length > 0 ? 1 : 0;
    } finally {
      await describer?.close();
    }
  });

program
  .command('audit')
  .description('Check the alt text in a CSV file (an image column and an alt column), as the Audit page does, or the alt text written into the image files of a folder. Exits 1 when any needs fixing.')
  .argument('<file-or-folder>', 'a CSV file, or a folder of images (their IPTC Alt Text (Accessibility))')
  .option('-r, --recursive', 'with a folder: its subfolders too')
  .option('--csv <file>', 'also write the images to fix as CSV')
  .option('--html <file>', 'also write the report as a web page')
  .action(async (file: string, opts: { csv?: string; html?: string; recursive?: boolean }) => {
    const report = await readAudit(file, Boolean(opts.recursive));
    process.stdout.write(reportText(report));
    await writeReportFiles(report, file, opts);
    process.exitCode = report.toFix.length > 0 ? 1 : 0;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
