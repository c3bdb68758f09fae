/** What is written into a file, as the IPTC Photo Metadata 2021 and Dublin Core fields name it. */
export interface EmbeddedFields {
  altText: string;
  extendedDescription: string;
  caption: string;
  title: string;
  tags: string[];
  /** BCP 47 code of the text, written as xml:lang. */
  language: string;
}

export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** The namespaces of the properties we write, and which of their properties are ours (replaced, never doubled). */
export const OURS = {
  dc: 'http://purl.org/dc/elements/1.1/',
  Iptc4xmpCore: 'http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
} as const;
export const OUR_PROPERTIES = new Set([
  `${OURS.Iptc4xmpCore}AltTextAccessibility`,
  `${OURS.Iptc4xmpCore}ExtDescrAccessibility`,
  `${OURS.dc}description`,
  `${OURS.dc}title`,
  `${OURS.dc}subject`,
  `${OURS.photoshop}Headline`,
]);

/** The start tag of the rdf:Description we add: found again (emptied) when the text is written a second time. */
export const OUR_DESCRIPTION_TAG = `<rdf:Description rdf:about="" xmlns:rdf="${RDF}" xmlns:dc="${OURS.dc}" xmlns:Iptc4xmpCore="${OURS.Iptc4xmpCore}" xmlns:photoshop="${OURS.photoshop}">`;

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** A language alternative (rdf:Alt) with the text's language and x-default, as readers expect. */
function langAlt(name: string, text: string, language: string): string {
  if (!text) return '';
  const lang = escape(language || 'x-default');
  const items = lang === 'x-default'
    ? `<rdf:li xml:lang="x-default">${escape(text)}</rdf:li>`
    : `<rdf:li xml:lang="x-default">${escape(text)}</rdf:li><rdf:li xml:lang="${lang}">${escape(text)}</rdf:li>`;
  return `<${name}><rdf:Alt>${items}</rdf:Alt></${name}>`;
}

/**
 * One XMP packet: IPTC Alt Text (Accessibility) and Extended Description, dc:description (the
 * caption), dc:title, dc:subject (tags) and photoshop:Headline, so Immich, PhotoPrism, digiKam and
 * Lightroom each find something.
 */
export function xmpPacket(fields: EmbeddedFields): string {
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    ourDescription(fields),
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

/** Our fields as one rdf:Description element that declares its own namespaces, so it can join another packet. */
export function ourDescription(fields: EmbeddedFields): string {
  const { language } = fields;
  const subject = fields.tags.length ? `<dc:subject><rdf:Bag>${fields.tags.map((t) => `<rdf:li>${escape(t)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>` : '';
  const body = [
    langAlt('Iptc4xmpCore:AltTextAccessibility', fields.altText, language),
    langAlt('Iptc4xmpCore:ExtDescrAccessibility', fields.extendedDescription, language),
    langAlt('dc:description', fields.caption, language),
    langAlt('dc:title', fields.title, language),
    subject,
    fields.title ? `<photoshop:Headline>${escape(fields.title)}</photoshop:Headline>` : '',
  ].join('');
  return [
    OUR_DESCRIPTION_TAG,
    body,
    '</rdf:Description>',
  ].join('\n');
}
