import type { Facts } from './facts';
import type { AltSource } from './alt-text';
import { mainColours, PORTRAIT_FACE_AREA, position, settingPhrase, subjectPhrase } from './phrases';
import { fitWords, sentence } from './text-fit';
import { capitalise, counted, listed, noun } from './vocabulary';

const CAPTION_MAX = 300;
const TITLE_MAX = 70;
const DESCRIPTION_MAX = 1200;
const TEXT_IN_DESCRIPTION_MAX = 600;

/** A short caption: the alt text, then what did not fit in it. */
export function writeCaption(facts: Facts, alt: string, source: AltSource): string {
  const parts = [sentence(alt)];
  if (facts.embeddedTitle && !alt.includes(facts.embeddedTitle)) parts.unshift(sentence(facts.embeddedTitle));
  if (facts.embeddedSentence && source !== 'embedded') parts.push(sentence(facts.embeddedSentence));
  const others = facts.scene.subjects.slice(source === 'objects' ? 3 : 0, 6).map((s) => subjectPhrase(s, facts.scene));
  if (others.length > 0 && source !== 'colours') parts.push(`${source === 'objects' ? 'Also visible' : 'Visible'}: ${listed(others)}.`);
  const colours = mainColours(facts.signals.stats, 3);
  if (source !== 'colours' && colours.length > 0) parts.push(`Mostly ${listed(colours)}.`);
  return fitWords(parts.join(' '), CAPTION_MAX);
}

/** A few words naming the image, for titles and headings. */
export function writeTitle(facts: Facts, source: AltSource): string {
  if (facts.embeddedTitle) return fitWords(facts.embeddedTitle, TITLE_MAX);
  const lines = facts.text.lines.map((l) => l.text);
  if (source === 'embedded' && facts.embeddedSentence) return fitWords(facts.embeddedSentence, TITLE_MAX);
  if (source === 'screenshot') return fitWords(`Screenshot: ${lines[0]}`, TITLE_MAX);
  if (source === 'document') return fitWords(`Page of text: ${lines.join(' ')}`, TITLE_MAX);
  if (source === 'text') return fitWords(capitalise(lines.join(' ').toLowerCase()), TITLE_MAX);
  const [first, second] = facts.scene.subjects;
  if (first) {
    const main = capitalise(first.count === 1 ? noun(first.label) : counted(first.label, first.count));
    return fitWords(second ? `${main} with ${counted(second.label, second.count)}` : main, TITLE_MAX);
  }
  const colours = mainColours(facts.signals.stats, 2);
  return colours.length > 0 ? `${capitalise(listed(colours))} image` : 'Image';
}

/** The long description: every signal in plain sentences, no guesses beyond them. */
export function writeDescription(facts: Facts, alt: string, source: AltSource): string {
  const parts = [sentence(alt)];
  if (facts.embeddedSentence && source !== 'embedded') parts.push(`The file's own caption says: “${facts.embeddedSentence}”.`);
  const placed = facts.scene.subjects.slice(0, 6).map((s) => `${subjectPhrase(s, facts.scene)} ${position(s.box)}`);
  if (placed.length > 0) parts.push(`${capitalise(listed(placed))}.`);
  if (facts.text.full) parts.push(`Text in the image reads: “${fitWords(facts.text.full.replace(/\n/g, ' / '), TEXT_IN_DESCRIPTION_MAX)}”.`);
  const setting = settingPhrase(facts.signals.stats);
  const colours = mainColours(facts.signals.stats, 3);
  if (colours.length > 0) parts.push(`The main colours are ${listed(colours)}${setting ? `, ${setting}` : ''}.`);
  if (source === 'colours') parts.push('None of the objects the offline describer knows were recognised.');
  return fitWords(parts.join(' '), DESCRIPTION_MAX);
}

/** Keywords first (the owner's words), then kind, objects, people, text, setting and colours. */
export function writeTags(facts: Facts, count: number): string[] {
  const tags: string[] = [...(facts.signals.embedded.keywords ?? [])];
  if (facts.kind !== 'photo') tags.push(facts.kind === 'black-and-white photo' ? 'black and white' : facts.kind);
  for (const s of facts.scene.subjects) tags.push(noun(s.label, s.label === 'person' ? s.count : 1));
  if (facts.scene.people === 1 && facts.scene.largestFace >= PORTRAIT_FACE_AREA) tags.push('portrait');
  if (facts.text.salient && facts.kind !== 'document' && facts.kind !== 'screenshot') tags.push('text');
  const setting = settingPhrase(facts.signals.stats);
  if (setting === 'under a blue sky') tags.push('sky');
  if (setting === 'among greenery') tags.push('greenery');
  tags.push(...mainColours(facts.signals.stats, 2));
  const unique = new Set(tags.map((t) => t.toLowerCase().replace(/\s+/g, ' ').trim()).filter((t) => t !== '' && t.length <= 40));
  return [...unique].slice(0, Math.max(0, count));
}
