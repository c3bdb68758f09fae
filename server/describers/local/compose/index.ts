import type { DescribeOptions, Description } from '../../types';
import type { Signals } from '../signals';
import { writeAltText } from './alt-text';
import { gatherFacts } from './facts';
import { writeCaption, writeDescription, writeTags, writeTitle } from './fields';
import { writeFilename } from './filename';
import { fillPattern } from './manifest';
import { mainColours } from './phrases';
import { noun } from './vocabulary';

/** Bumped whenever the wording rules change, so stored results say which rules wrote them. */
export const COMPOSE_VERSION = 'local-compose-2';

/** The UI adds the pointer to an OpenAI-compatible server next to drafts; this says what the draft rests on. */
const DRAFT_NOTE =
  'Draft written from object, face and text detectors on this server; it cannot name things outside their 80 everyday object classes.';

function isEnglish(language: string): boolean {
  return /^en(-|$)/i.test(language.trim());
}

/**
 * Turns detector signals into every Description field. Pure: the same signals and options always
 * give the same text. It never states gender, age or identity (the signals carry none) and reports
 * only text the OCR read with confidence.
 */
export function compose(signals: Signals, options: DescribeOptions): Description {
  const facts = gatherFacts(signals);
  const { alt, source } = writeAltText(facts, Math.max(20, options.altTextLength));
  const caption = writeCaption(facts, alt, source);
  const title = writeTitle(facts, source);
  const description = writeDescription(facts, alt, source);
  const tags = writeTags(facts, options.tagCount);
  const filename = writeFilename(facts, source);
  const notes = [DRAFT_NOTE];
  if (!isEnglish(options.language)) {
    notes.push(`Written in English: the offline describer has no other languages (requested: ${options.language}).`);
  }
  let manifest: Record<string, unknown> | null = null;
  if (options.pattern) {
    const filled = fillPattern(options.pattern, {
      tags,
      text: facts.text.full,
      colours: mainColours(signals.stats, 3),
      objects: facts.scene.subjects.map((s) => noun(s.label, s.count)),
      people: facts.scene.people,
      objectCount: facts.scene.subjects.reduce((n, s) => n + s.count, 0),
      alt_text: alt,
      caption,
      title,
      description,
      filename,
    });
    manifest = filled.manifest;
    if (filled.note) notes.push(filled.note);
  }
  return {
    alt_text: alt,
    caption,
    title,
    description,
    tags,
    filename,
    text: facts.text.full,
    decorative: false,
    manifest,
    provenance: {
      describer: 'local',
      model: signals.text.engine === 'tesseract' ? 'centernet+blazeface+tesseract' : 'centernet+blazeface+ppocr-v4',
      promptVersion: COMPOSE_VERSION,
      inputTokens: null,
      outputTokens: null,
      durationMs: Object.values(signals.timings).reduce((a, b) => a + b, 0),
      draft: true,
      notes,
    },
  };
}
