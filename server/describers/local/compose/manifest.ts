import type { PatternSpec } from '../../types';

/** Values the offline describer actually has, by meaning. */
export interface KnownValues {
  tags: string[];
  text: string;
  colours: string[];
  objects: string[];
  people: number;
  objectCount: number;
  alt_text: string;
  caption: string;
  title: string;
  description: string;
  filename: string;
}

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema };

function types(schema: Schema): string[] {
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

/** Matches a property name to a known value; the type must fit or the value is not used. */
function valueFor(name: string, schema: Schema, known: KnownValues): unknown {
  const key = name.toLowerCase().replace(/[^a-z]/g, '');
  const t = types(schema);
  const wantsList = t.includes('array');
  const wantsText = t.includes('string');
  const wantsNumber = t.includes('integer') || t.includes('number');
  const pick = (list: string[], joined: string) => (wantsList ? list : wantsText ? joined : undefined);
  if (/^(tags|keywords|labels)$/.test(key)) return pick(known.tags, known.tags.join(', '));
  if (/^(colou?rs?|palette|dominantcolou?rs?)$/.test(key)) return pick(known.colours, known.colours.join(', '));
  if (/^(objects|items|things|subjects)$/.test(key)) return pick(known.objects, known.objects.join(', '));
  if (/(people|persons|personcount|peoplecount|faces)/.test(key) && wantsNumber) return known.people;
  if (/^(objectcount|count|itemcount)$/.test(key) && wantsNumber) return known.objectCount;
  if (!wantsText) return undefined;
  if (/^(text|ocr|textinimage|visibletext|transcription)$/.test(key)) return known.text;
  if (/^(alt|alttext)$/.test(key)) return known.alt_text;
  if (/^caption$/.test(key)) return known.caption;
  if (/^(title|headline|name)$/.test(key)) return known.title;
  if (/^(description|longdescription|summary)$/.test(key)) return known.description;
  if (/^(filename|file)$/.test(key)) return known.filename;
  return undefined;
}

/**
 * Fills a pattern's top-level properties from what the detectors know, by name and type. Nothing is
 * invented: a property it cannot fill is null and named in a note.
 */
export function fillPattern(pattern: PatternSpec, known: KnownValues): { manifest: Record<string, unknown>; note?: string } {
  const properties = (pattern.schema as Schema).properties ?? {};
  const manifest: Record<string, unknown> = {};
  const unfilled: string[] = [];
  for (const [name, schema] of Object.entries(properties)) {
    const value = valueFor(name, schema, known);
    if (value === undefined) unfilled.push(name);
    manifest[name] = value ?? null;
  }
  const note = unfilled.length > 0
    ? `The offline describer left these fields of “${pattern.name}” empty because it cannot tell them from the image: ${unfilled.join(', ')}.`
    : undefined;
  return { manifest, note };
}
