import type { Facts } from './facts';
import { framing, mainColours, settingPhrase, subjectsPhrase } from './phrases';
import { fitWords, withQuote } from './text-fit';
import { capitalise, listed } from './vocabulary';

export type AltSource = 'embedded' | 'screenshot' | 'document' | 'text' | 'objects' | 'colours';

/**
 * The alt text, in the order of trust: an embedded description that reads as a sentence, then the
 * text for screenshots, documents and text-led photos, then objects and people, then colours.
 */
export function writeAltText(facts: Facts, max: number): { alt: string; source: AltSource } {
  if (facts.embeddedSentence) return { alt: fitWords(facts.embeddedSentence, max), source: 'embedded' };
  const lines = facts.text.lines.map((l) => l.text);
  if (facts.kind === 'screenshot' && lines.length > 0) {
    const rest = lines.slice(1).join(', ');
    const titled = `Screenshot titled “${fitWords(lines[0], Math.min(50, max - 25))}”`;
    const alt = rest ? withQuote(`${titled} with text such as “{q}”`, rest, max) : undefined;
    return { alt: alt ?? fitWords(titled, max), source: 'screenshot' };
  }
  if (facts.kind === 'document' && lines.length > 0) {
    const alt = withQuote('Page of printed text beginning “{q}”', lines.join(' '), max);
    return { alt: alt ?? fitWords('Page of printed text', max), source: 'document' };
  }
  const bw = facts.kind === 'black-and-white photo';
  const scene = facts.scene;
  if (facts.text.leads && lines.length > 0) {
    const withWhat = scene.subjects.length > 0 ? `, with ${subjectsPhrase(scene, 2)}` : '';
    const alt = withQuote(`${bw ? 'Black-and-white photo of text' : 'Text'} reading “{q}”${withWhat}`, lines.join(' '), max)
      ?? withQuote(`Text reading “{q}”`, lines.join(' '), max);
    if (alt) return { alt, source: 'text' };
  }
  if (scene.subjects.length > 0) {
    const frame = framing(scene);
    const subjects = subjectsPhrase(scene);
    let head = frame ? `${frame} ${subjects}` : subjects;
    if (bw) head = frame ? `Black-and-white ${frame.toLowerCase()} ${subjects}` : `Black-and-white photo of ${subjects}`;
    head = capitalise(head);
    const setting = settingPhrase(facts.signals.stats);
    const withSetting = setting && `${head} ${setting}`.length <= max ? `${head} ${setting}` : head;
    if (facts.text.salient && lines.length > 0) {
      const quoted = withQuote(`${withSetting} with the text “{q}”`, lines.join(' '), max) ?? withQuote(`${head} with the text “{q}”`, lines.join(' '), max);
      if (quoted) return { alt: quoted, source: 'objects' };
    }
    return { alt: fitWords(withSetting, max), source: 'objects' };
  }
  return { alt: fitWords(colourFallback(facts), max), source: 'colours' };
}

/** Says only what the pixels show when no detector recognised anything. */
export function colourFallback(facts: Facts): string {
  const colours = mainColours(facts.signals.stats, 2);
  const what = facts.kind === 'black-and-white photo' ? 'Black-and-white image' : 'Image';
  const tones = colours.length === 0 ? 'muted tones' : colours.length === 1 ? `mostly ${colours[0]} tones` : `${listed(colours)} tones`;
  const setting = settingPhrase(facts.signals.stats);
  return `${what} with ${tones}${setting === 'under a blue sky' ? ' and a blue sky at the top' : ''}`;
}
