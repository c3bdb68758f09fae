import type { DescribeOptions, HonouredOptions } from './types';

/**
 * What the offline describer acts on: the lengths, the tag count and patterns (the fields it can
 * derive). It writes English only, in one plain style, from the image alone: context and
 * instructions are free text it cannot follow.
 */
export const LOCAL_HONOURS: HonouredOptions = Object.freeze({ languages: ['en'], style: false, context: false, instructions: false });

/** A model is told every option: language, style, context and instructions. */
export const MODEL_HONOURS: HonouredOptions = Object.freeze({ languages: null, style: true, context: true, instructions: true });

export type IgnoredOption = 'language' | 'style' | 'context' | 'instructions';

/** Whether a describer writes this language (compared by primary subtag: pt-BR counts as pt). */
export function writesLanguage(honours: HonouredOptions, language: string): boolean {
  return honours.languages === null || honours.languages.includes(language.split('-')[0]!.toLowerCase());
}

/** The options of a batch the describer did not follow, for the batch page. */
export function ignoredOptions(honours: HonouredOptions, options: DescribeOptions): IgnoredOption[] {
  const ignored: IgnoredOption[] = [];
  if (!writesLanguage(honours, options.language)) ignored.push('language');
  if (!honours.style) ignored.push('style');
  if (!honours.context && Object.values(options.context ?? {}).some(Boolean)) ignored.push('context');
  if (!honours.instructions && options.instructions) ignored.push('instructions');
  return ignored;
}

/** How the upload form and the batch page name the describer in their notes. */
export function describerLabel(name: 'local' | 'openai'): string {
  return name === 'local' ? 'The offline describer on this server' : 'The model';
}

const NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

export function languageName(code: string): string {
  try {
    return NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}

/** One sentence for the batch page: what of the batch's options the describer did not follow. */
export function ignoredSentence(name: 'local' | 'openai', ignored: readonly IgnoredOption[]): string | null {
  if (ignored.length === 0) return null;
  const parts: string[] = [];
  if (ignored.includes('language')) parts.push('writes English only');
  if (ignored.includes('style')) parts.push('writes in one plain style');
  const unused = ignored.filter((o) => o === 'context' || o === 'instructions');
  if (unused.length) parts.push(`does not use the ${unused.join(' and ')} given`);
  return `${describerLabel(name)} ${parts.join(', ').replace(/, ([^,]*)$/, ' and $1')}.`;
}
