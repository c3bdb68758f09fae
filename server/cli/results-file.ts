import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { csvCell } from '../services/exports/csv';
import type { Description } from '../describers/types';

/** One described image as the command writes it: where it is, its hash, and the text fields. */
export type FolderResult = Pick<Description, 'alt_text' | 'caption' | 'title' | 'description' | 'tags' | 'filename' | 'text' | 'decorative'> & {
  /** The file's SHA-256 and the options' hash: what a later run compares to skip it. */
  key: string;
  path: string;
  sha256: string;
  describer: string;
  model: string;
};

const COLUMNS: (keyof FolderResult)[] = ['key', 'path', 'sha256', 'alt_text', 'caption', 'title', 'description', 'tags', 'filename', 'text', 'decorative', 'describer', 'model'];

export type ResultsFormat = 'csv' | 'jsonl';

/**
 * The results file, appended to one whole line per image as each finishes, so a run that is killed
 * keeps what it finished and a later run skips it. A line cut short by the kill is dropped on open.
 */
export class ResultsFile {
  private constructor(
    private readonly path: string,
    private readonly format: ResultsFormat,
    /** Keys of the images already in the file. */
    readonly done: Set<string>,
  ) {}

  static open(path: string, format: ResultsFormat): ResultsFile {
    let text = fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : '';
    if (text && !text.endsWith('\n')) {
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      fs.writeFileSync(path, text);
    }
    const done = new Set(format === 'csv' ? keysOfCsv(text) : keysOfJsonLines(text));
    if (format === 'csv' && text === '') fs.writeFileSync(path, `\uFEFF${COLUMNS.join(',')}\r\n`);
    return new ResultsFile(path, format, done);
  }

  append(result: FolderResult): void {
    const line = this.format === 'csv'
      ? `${COLUMNS.map((column) => csvCell(column === 'tags' ? result.tags.join(', ') : result[column])).join(',')}\r\n`
      : `${JSON.stringify(result)}\n`;
    // One write of a whole line: a kill lands between lines, or leaves a cut line that open() drops.
    fs.appendFileSync(this.path, line);
    this.done.add(result.key);
  }
}

function keysOfCsv(text: string): string[] {
  if (!text) return [];
  const [header = [], ...rows] = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  const at = header.indexOf('key');
  if (at < 0) throw new Error('The results file is not one this command wrote (no "key" column). Choose another --out file.');
  return rows.map((row) => row[at] ?? '');
}

function keysOfJsonLines(text: string): string[] {
  return text.split('\n').filter(Boolean).map((line) => {
    try {
      return String((JSON.parse(line) as { key?: unknown }).key ?? '');
    } catch {
      return '';
    }
  });
}
