import type { Describer, DescribeOptions, Description, ImagePurpose } from './types';
import { wrapDescriber } from './wrap';

/** The purposes in the order the forms offer them, with the W3C decision tree's step for each. */
export const PURPOSES: readonly ImagePurpose[] = ['informative', 'linked', 'functional', 'decorative', 'complex'];

export const PURPOSE_LABELS: Record<ImagePurpose, string> = {
  informative: 'Informative: it shows something the page needs',
  linked: 'Linked: the only content of a link',
  functional: 'Functional: a button or control',
  decorative: 'Decorative: adds nothing to the page',
  complex: 'Complex: a chart, diagram or map with data',
};

/** The rule applied, as the result's notes say it (W3C alt decision tree, https://www.w3.org/WAI/tutorials/images/decision-tree/). */
const RULES = {
  decorative: 'Rule applied: decorative image, so the alt text is empty (alt="").',
  redundant: 'Rule applied: the text beside the image already says what it shows, so the alt text is empty (alt="") to avoid saying it twice.',
  linked: 'Rule applied: the image is a link, so the alt text says where the link goes.',
  functional: 'Rule applied: the image is a control, so the alt text names its action.',
  complex: 'Rule applied: complex image, so the alt text identifies it briefly and the long description carries its data.',
  informative: 'Rule applied: informative image, so the alt text gives the information it carries.',
} as const;

/** The lines a model is told about purpose and surrounding text (the prompt's part of the decision tree). */
export function purposePromptLines(options: DescribeOptions): string[] {
  const lines: string[] = [];
  const target = options.linkTarget ? oneLine(options.linkTarget) : '';
  switch (options.purpose ?? 'informative') {
    case 'linked':
      lines.push(`Purpose: the image is the only content of a link${target ? ` to: ${target}` : ''}. alt_text says where the link goes or what it opens (for example the destination page's name), not what the image looks like; put the visual description in description.`);
      break;
    case 'functional':
      lines.push(`Purpose: the image is a button or control${target ? ` whose action is: ${target}` : ''}. alt_text names the action it performs, in a few words; put the visual description in description.`);
      break;
    case 'decorative':
      lines.push('Purpose: the image is decorative. Set decorative to true and alt_text to "".');
      break;
    case 'complex':
      lines.push('Purpose: the image is complex (a chart, diagram, map or infographic). alt_text briefly identifies what it shows and its main point; description carries all of its data: every value, label, axis and trend, as sentences or a list.');
      break;
    default:
      lines.push('Purpose: informative. alt_text gives the information the image carries on its page.');
  }
  if (options.surroundingText) {
    lines.push(`Text next to the image on its page: "${oneLine(options.surroundingText)}". Do not repeat it in alt_text: add only what it does not say. If it already says everything the image shows, set alt_text to "".`);
  }
  return lines;
}

/**
 * Makes a result fit its purpose whichever describer wrote it, and says which rule was applied:
 * decorative and redundant images get an empty alt text; a linked or functional image's alt text is
 * the destination or action when the describer could not write one from it (the offline describer
 * sees only the image); a complex image's long description carries the text found in it.
 */
export function applyPurpose(description: Description, options: DescribeOptions, understandsPurpose: boolean): Description {
  const purpose = options.purpose ?? 'informative';
  const out = { ...description, provenance: { ...description.provenance, notes: [...description.provenance.notes] } };
  const note = (rule: string) => out.provenance.notes.push(rule);
  if (purpose === 'decorative') {
    out.alt_text = '';
    out.decorative = true;
    note(RULES.decorative);
    return out;
  }
  if (options.surroundingText && out.alt_text && repeats(options.surroundingText, out.alt_text)) {
    out.alt_text = '';
    note(RULES.redundant);
    return out;
  }
  if ((purpose === 'linked' || purpose === 'functional') && options.linkTarget) {
    const named = readableTarget(options.linkTarget);
    if (!understandsPurpose || !out.alt_text) out.alt_text = named.slice(0, options.altTextLength);
    out.decorative = false;
  }
  if (purpose === 'complex' && out.text && !out.description.includes(out.text)) {
    out.description = [out.description, `Text and figures in the image: ${out.text}`].filter(Boolean).join('\n\n');
  }
  note(RULES[purpose]);
  return out;
}

/** A destination as words: a page name stays as it is; a web address becomes its site and path. */
export function readableTarget(target: string): string {
  const text = oneLine(target);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return text;
  const host = url.hostname.replace(/^www\./, '');
  const path = url.pathname.split('/').filter(Boolean).map((part) => decodeURIComponent(part).replace(/\.[a-z0-9]{2,5}$/i, '').replace(/[-_]+/g, ' ')).join(', ');
  return path ? `${host}: ${path}` : `${host} home page`;
}

/** True when (nearly) every word of the alt text is already in the surrounding text. */
export function repeats(surrounding: string, altText: string): boolean {
  const words = (text: string) => text.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter((w) => w.length > 2);
  const around = new Set(words(surrounding));
  const alt = words(altText);
  if (alt.length === 0) return false;
  return alt.filter((w) => around.has(w)).length / alt.length >= 0.8;
}

/** Every describer, with the purpose applied to what it writes. */
export function withPurpose(describer: Describer): Describer {
  const understandsPurpose = describer.name !== 'local';
  return wrapDescriber(describer, async (input, options, signal) => applyPurpose(await describer.describe(input, options, signal), options, understandsPurpose));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 2000);
}
