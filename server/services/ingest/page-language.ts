import { detectAll } from 'tinyld';
import { LANGUAGE_CODES } from './languages';

/** The detector's codes for the languages we offer where they differ from ours. */
const FROM_DETECTOR: Record<string, string> = { no: 'nb', zh: 'zh-Hans' };
const TO_DETECTOR: Record<string, string> = { nb: 'no' };
const ONLY = [...new Set([...LANGUAGE_CODES].map((code) => TO_DETECTOR[code] ?? code.split('-')[0]!))];

/** Fewer letters than this say too little about their language to act on. */
const MIN_LETTERS = 12;

/**
 * The language of the text on the page an image is used on (the text beside it, or the page's title
 * and keywords): one of the languages we offer, or undefined when the text is too short or too
 * mixed to tell. tinyld: n-gram statistics, offline, nothing leaves the machine.
 */
export function pageLanguage(text: string): string | undefined {
  if (text.replace(/[^\p{L}]/gu, '').length < MIN_LETTERS) return undefined;
  const [best] = detectAll(text, { only: ONLY });
  if (!best) return undefined;
  const code = FROM_DETECTOR[best.lang] ?? best.lang;
  return LANGUAGE_CODES.has(code) ? code : undefined;
}
