import { OUR_DESCRIPTION_TAG, OUR_PROPERTIES, RDF, ourDescription, type EmbeddedFields } from './xmp';

/** A packet we do not understand well enough to edit; the caller writes a fresh one and says why. */
export class XmpMergeError extends Error {}

interface Open {
  name: string;
  ns: Map<string, string>;
  /** Where its start tag begins, when the whole element is one of ours to remove. */
  removeFrom?: number;
  isDescription: boolean;
}

const ATTRIBUTE = /\s+([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')/g;

function resolve(name: string, ns: Map<string, string>): string {
  const colon = name.indexOf(':');
  if (colon < 0) return name;
  const uri = ns.get(name.slice(0, colon));
  if (uri === undefined) throw new XmpMergeError(`it uses the prefix "${name.slice(0, colon)}" without declaring it`);
  return uri + name.slice(colon + 1);
}

/** Where a tag ends: its first `>` outside quotes (an attribute value may hold a `>`), or -1. */
function tagEnd(packet: string, at: number): number {
  let quote = '';
  for (let i = at + 1; i < packet.length; i += 1) {
    const c = packet[i]!;
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

const XML_NS: [string, string][] = [['xml', 'http://www.w3.org/XML/1998/namespace']];

/** Where each kind of markup that is not an element ends; a DOCTYPE (entity definitions) is not XMP. */
function skipOther(packet: string, at: number): number {
  const ends: [string, string][] = [['<?', '?>'], ['<!--', '-->'], ['<![CDATA[', ']]>']];
  for (const [open, close] of ends) {
    if (!packet.startsWith(open, at)) continue;
    const end = packet.indexOf(close, at);
    if (end < 0) throw new XmpMergeError('it ends in the middle of markup');
    return end + close.length;
  }
  throw new XmpMergeError('it holds a document type declaration');
}

/**
 * The file's own XMP packet with our properties (alt text, extended description, caption, title,
 * tags, headline) taken out wherever they were, and ours added as one more rdf:Description: every
 * other property another tool wrote (rating, creator, keywords hierarchy...) is kept byte for byte.
 * Properties are recognised by namespace URI, not prefix. Throws XmpMergeError when the packet is
 * not the well-formed RDF/XML this needs.
 */
export function mergeXmp(packet: string, fields: EmbeddedFields): string {
  const removals: [number, number][] = [];
  const stack: Open[] = [];
  let rdfEnd = -1;
  let at = packet.indexOf('<');
  while (at >= 0) {
    if (packet[at + 1] === '?' || packet[at + 1] === '!') {
      at = packet.indexOf('<', skipOther(packet, at));
      continue;
    }
    const close = tagEnd(packet, at);
    if (close < 0) throw new XmpMergeError('it ends in the middle of a tag');
    const tag = packet.slice(at, close + 1);
    if (tag.startsWith('</')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(2, -1).trim()) throw new XmpMergeError('its tags do not match');
      if (open.removeFrom !== undefined) removals.push([open.removeFrom, close + 1]);
      if (resolve(open.name, open.ns) === `${RDF}RDF` && rdfEnd < 0) rdfEnd = at;
    } else {
      const name = /^<([^\s/>]+)/.exec(tag)?.[1];
      if (!name) throw new XmpMergeError('it holds a tag without a name');
      const parent = stack[stack.length - 1];
      const ns = new Map(parent?.ns ?? XML_NS);
      const attributes = [...tag.matchAll(ATTRIBUTE)];
      for (const [, key, value] of attributes) if (key!.startsWith('xmlns:')) ns.set(key!.slice(6), value!.slice(1, -1));
      const full = resolve(name, ns);
      const isDescription = full === `${RDF}Description` && parent !== undefined && resolve(parent.name, parent.ns) === `${RDF}RDF`;
      if (isDescription) {
        // Properties written as attributes (xmp:Rating="5" style): ours are dropped from the tag.
        for (const a of attributes) if (!a[1]!.startsWith('xmlns') && OUR_PROPERTIES.has(resolve(a[1]!, ns))) removals.push([at + a.index, at + a.index + a[0].length]);
      }
      const ours = parent?.isDescription === true && OUR_PROPERTIES.has(full);
      if (tag.endsWith('/>')) {
        if (ours) removals.push([at, close + 1]);
      } else {
        stack.push({ name, ns, isDescription, removeFrom: ours ? at : undefined });
      }
    }
    at = packet.indexOf('<', close + 1);
  }
  if (stack.length > 0) throw new XmpMergeError('it ends before its elements are closed');
  if (rdfEnd < 0) throw new XmpMergeError('it has no rdf:RDF element');
  let merged = `${packet.slice(0, rdfEnd)}${ourDescription(fields)}\n${packet.slice(rdfEnd)}`;
  // Removed from the end backwards so the earlier positions stay right; all lie before rdfEnd.
  for (const [from, to] of removals.sort((a, b) => b[0] - a[0])) merged = merged.slice(0, from) + merged.slice(to);
  // Our own description from an earlier run, now emptied, goes too: writing twice leaves one.
  return merged.split(`${OUR_DESCRIPTION_TAG}\n\n</rdf:Description>\n`).join('');
}
