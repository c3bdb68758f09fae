import fs from 'node:fs';
import path from 'node:path';
import type { Description } from '../describers/types';
import { embedMetadataParts, fieldsOf, sidecarXmp } from '../services/embed-metadata';

/**
 * Where the text goes besides the results file: into copies under `outDir`, into the files themselves
 * after keeping the original as `name.ext.original`, or into `.xmp` sidecars. Never silently over an original.
 */
export type WriteText = { mode: 'out-dir'; outDir: string } | { mode: 'backup' } | { mode: 'sidecar'; naming: SidecarNaming };

/**
 * How sidecars are named: `photo.xmp` beside `photo.jpg` as Lightroom, digiKam and Capture One read
 * them, or `photo.jpg.xmp` as darktable does (which keeps one per file even when photo.jpg and photo.png share a name).
 */
export type SidecarNaming = 'lightroom' | 'darktable';
export const SIDECAR_NAMINGS: readonly SidecarNaming[] = ['lightroom', 'darktable'];

export function sidecarPath(full: string, naming: SidecarNaming): string {
  return naming === 'darktable' ? `${full}.xmp` : path.join(path.dirname(full), `${path.parse(full).name}.xmp`);
}

export const BACKUP_SUFFIX = '.original';

/** The bytes an image's key is made from: the original kept by --backup when there is one, so a run resumes after writing in place. */
export function originalBytes(folder: string, file: string): Buffer {
  const full = path.join(folder, file);
  const backup = `${full}${BACKUP_SUFFIX}`;
  return fs.readFileSync(fs.existsSync(backup) ? backup : full);
}

/**
 * Writes one image's text as `how` says; a file that cannot carry it fails alone, the original
 * untouched. An existing sidecar (darktable keeps its edits in one) is merged into, not replaced.
 * Returns what the person should know: an XMP packet that had to be replaced rather than merged.
 */
export function writeText(how: WriteText, folder: string, file: string, original: Buffer, d: Description, language: string): string[] {
  const fields = fieldsOf(d, language);
  const full = path.join(folder, file);
  const notes: string[] = [];
  const note = (reason: string) => notes.push(reason);
  if (how.mode === 'sidecar') {
    const sidecar = sidecarPath(full, how.naming);
    const existing = fs.existsSync(sidecar) ? fs.readFileSync(sidecar, 'utf8') : undefined;
    writeWhole(sidecar, [Buffer.from(sidecarXmp(fields, existing, note), 'utf8')]);
    return notes;
  }
  const written = embedMetadataParts(original, fields, note);
  if (how.mode === 'out-dir') {
    const target = path.join(how.outDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeWhole(target, written);
    return notes;
  }
  const backup = `${full}${BACKUP_SUFFIX}`;
  if (!fs.existsSync(backup)) fs.copyFileSync(full, backup, fs.constants.COPYFILE_EXCL);
  writeWhole(full, written);
  return notes;
}

/** Through a temporary file and a rename, so a kill mid-write leaves the old file or the new one, never half. */
export function writeWhole(target: string, parts: Buffer[]): void {
  const temporary = `${target}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    // The pieces share the original's memory: written one after another, never joined into a copy.
    for (const part of parts) fs.writeSync(fd, part);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, target);
}
