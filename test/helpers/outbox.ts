import type { Description } from '../../server/describers/types';

/** A describer's answer, as the queue stores it. */
export function description(altText: string): Description {
  return {
    alt_text: altText,
    caption: 'c',
    title: 't',
    description: 'd',
    tags: ['bike'],
    filename: 'red-bicycle.jpg',
    text: '',
    decorative: false,
    manifest: null,
    provenance: { describer: 'openai', model: 'm', promptVersion: 'p1', inputTokens: null, outputTokens: null, durationMs: 5, draft: false, notes: [] },
  };
}
