/** Output styles offered on the upload form and the API. */
export type DescribeStyle = 'concise' | 'descriptive' | 'product';

/** A user-defined structured output (see the patterns capability). */
export interface PatternSpec {
  id: string;
  version: number;
  name: string;
  instructions: string;
  /** A JSON Schema in the subset that strict structured outputs accept. */
  schema: Record<string, unknown>;
}

/**
 * Where the image is used, after the W3C alt decision tree: informative (the default), linked (the
 * only content of a link), functional (a button or control), decorative, or complex (a chart,
 * diagram or map whose data goes in the long description).
 */
export type ImagePurpose = 'informative' | 'linked' | 'functional' | 'decorative' | 'complex';

/** What the user asked for; saved per batch. */
export interface DescribeOptions {
  /** BCP 47 language code of the output, e.g. "en", "de", "pt-BR". */
  language: string;
  /** Maximum alt text length in characters. */
  altTextLength: number;
  /** How many tags to return. */
  tagCount: number;
  style: DescribeStyle;
  context: { title?: string; keywords?: string; product?: string; brand?: string };
  instructions?: string;
  pattern?: PatternSpec;
  /** Absent: informative. */
  purpose?: ImagePurpose;
  /** A linked image's destination, or a functional image's action ("Search", "Print this page"). */
  linkTarget?: string;
  /** The text next to the image on its page, so the alt text does not repeat it. */
  surroundingText?: string;
  /** More languages to write the text in, besides `language` (BCP 47 codes). */
  alsoIn?: string[];
  /**
   * Asked for "the language of the page": whether `language` was found in the page's text (true), or
   * the text could not tell and the usual language was kept (false).
   */
  languageFromPage?: boolean;
}

/** The fields a translation carries; tags, file name and transcribed text stay as written. */
export interface TranslatedText {
  alt_text: string;
  caption: string;
  title: string;
  description: string;
}

/** Text found inside the file itself at ingest (EXIF/IPTC/XMP), used as context. */
export interface EmbeddedText {
  /** IPTC Alt Text (Accessibility) another tool (or an earlier run) wrote into the file. */
  altText?: string;
  caption?: string;
  title?: string;
  keywords?: string[];
}

/** The image as a describer receives it: the stripped working copy, never the original. */
export interface DescribeInput {
  /** JPEG bytes of the working copy: auto-oriented, ≤ 1536 px, no metadata. */
  image: Buffer;
  mimeType: string;
  width: number;
  height: number;
  /** The uploaded file's name, for the file name suggestion's extension. */
  originalName: string;
  embedded: EmbeddedText;
}

export interface Provenance {
  describer: 'local' | 'openai';
  model: string;
  promptVersion: string;
  inputTokens: number | null;
  outputTokens: number | null;
  durationMs: number;
  /** True when the text is a machine draft the UI should invite the user to review (the offline describer). */
  draft: boolean;
  /** Plain remarks for the user, e.g. "written in English: the offline describer has no other languages". */
  notes: string[];
}

/** Every output field, named as the API, exports and the database name them. */
export interface Description {
  alt_text: string;
  caption: string;
  title: string;
  description: string;
  tags: string[];
  /** A slug with the right extension, e.g. "red-bicycle-against-brick-wall.jpg". */
  filename: string;
  /** Text that appears in the image, transcribed; "" when there is none. */
  text: string;
  decorative: boolean;
  /** JSON that fits the pattern's schema, when a pattern was given; otherwise null. */
  manifest: Record<string, unknown> | null;
  provenance: Provenance;
  /** The text in each of `alsoIn`'s languages, by code (see describers/translations). */
  translations?: Record<string, TranslatedText>;
}

/** Where a describer sends images: shown on the privacy page and before the first upload. */
export interface Destination {
  offMachine: boolean;
  /** "this server" or the provider's host name. */
  host: string;
  /** What that provider keeps on its side; only for a provider off this machine. */
  providerRetention?: ProviderRetention;
}

/** What a provider off this machine keeps of what it is sent, as far as Sightline can say. */
export interface ProviderRetention {
  /** The provider's published policy, for a provider Sightline knows (api.openai.com); otherwise null. */
  known: string | null;
  /** What the admin states about this provider (OPENAI_PROVIDER_RETENTION), shown verbatim; null when unset. */
  stated: string | null;
}

/** Which of the upload form's options a describer acts on: the form marks the others before upload. */
export interface HonouredOptions {
  /** The languages it writes (BCP 47 primary codes); null: every language offered. */
  languages: readonly string[] | null;
  style: boolean;
  context: boolean;
  instructions: boolean;
}

export interface Describer {
  readonly name: 'local' | 'openai';
  readonly destination: Destination;
  readonly honours: HonouredOptions;
  describe(input: DescribeInput, options: DescribeOptions, signal?: AbortSignal): Promise<Description>;
  /** Writes the text in another language; a describer without a language model has none. */
  translate?(text: TranslatedText, to: string, options: DescribeOptions, signal?: AbortSignal): Promise<TranslatedText>;
  /** Releases workers and connections. */
  close(): Promise<void>;
  /** Prepares in the background (loads models) so the first request does not wait for all of it. */
  warm?(): void;
}

/**
 * A describer failure the queue understands: retryable ones are retried with backoff
 * (honouring retryAfterMs), the others fail the job at once with `message` shown to the user.
 */
export class DescriberError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DescriberError';
  }
}

export const DEFAULT_DESCRIBE_OPTIONS: DescribeOptions = Object.freeze({
  language: 'en',
  altTextLength: 125,
  tagCount: 10,
  style: 'concise',
  context: {},
}) as DescribeOptions;
