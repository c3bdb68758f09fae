/** Component schemas of the OpenAPI document (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
const nullableString = { type: ['string', 'null'] };
const nullableTime = { type: ['string', 'null'], format: 'date-time' };

export const componentSchemas: Record<string, Record<string, unknown>> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'request_id'],
        properties: {
          code: { type: 'string', description: 'Stable machine-readable code, e.g. not_found, rate_limited, quota_exceeded.' },
          message: { type: 'string', description: 'A plain sentence for people.' },
          request_id: { type: 'string', description: 'Also sent as the X-Request-Id header.' },
        },
      },
    },
  },
  Provenance: {
    type: 'object',
    required: ['describer', 'model', 'prompt_version', 'duration_ms', 'draft', 'notes'],
    properties: {
      describer: { type: 'string', enum: ['local', 'openai'] },
      model: { type: 'string' },
      prompt_version: { type: 'string' },
      input_tokens: { type: ['integer', 'null'] },
      output_tokens: { type: ['integer', 'null'] },
      duration_ms: { type: 'integer' },
      draft: { type: 'boolean', description: 'True for machine drafts the user should review (the offline describer).' },
      notes: { type: 'array', items: { type: 'string' } },
    },
  },
  Result: {
    type: 'object',
    required: ['alt_text', 'caption', 'title', 'description', 'tags', 'filename', 'text', 'decorative', 'manifest', 'pattern', 'edited_at', 'provenance'],
    properties: {
      alt_text: { type: 'string' },
      caption: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      filename: { type: 'string' },
      text: { type: 'string', description: 'Text visible in the image.' },
      decorative: { type: 'boolean' },
      manifest: { type: ['object', 'null'], description: 'JSON that fits the pattern\'s schema, when a pattern was used.' },
      pattern: {
        type: ['object', 'null'],
        required: ['id', 'version', 'name'],
        properties: { id: { type: 'string' }, version: { type: 'integer' }, name: { type: 'string' } },
      },
      edited_at: nullableTime,
      provenance: { $ref: '#/components/schemas/Provenance' },
      translations: {
        type: 'object',
        description: 'On an image\'s current result: its text in the languages asked for with `also_in`, by language code. Replaced when new text is generated; a person\'s edit of the original is not carried over.',
        additionalProperties: {
          type: 'object',
          required: ['alt_text', 'caption', 'title', 'description'],
          properties: { alt_text: { type: 'string' }, caption: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' } },
        },
      },
      checks: {
        type: 'array',
        description:
          'On an image\'s current result (not on versions): what the alt text checks found, empty when nothing. The same alt text on several images of one answer is flagged as duplicate.',
        items: {
          type: 'object',
          required: ['rule', 'label', 'message'],
          properties: {
            rule: {
              type: 'string',
              enum: ['empty', 'file_name', 'preamble', 'too_long', 'too_short', 'keyword_stuffing', 'all_capitals', 'url', 'missing_text', 'decorative_with_text', 'duplicate'],
            },
            label: { type: 'string', description: 'A short name of the problem, e.g. "Too long".' },
            message: { type: 'string', description: 'Why it matters, in plain words.' },
          },
        },
      },
    },
  },
  Image: {
    type: 'object',
    required: ['id', 'object', 'batch_id', 'status', 'original_name', 'created_at', 'result'],
    properties: {
      id: { type: 'string' },
      object: { const: 'image' },
      batch_id: { type: 'string' },
      status: { type: 'string', enum: ['queued', 'processing', 'done', 'failed', 'cancelled', 'refused'] },
      error: { ...nullableString, description: 'A plain reason when the status is failed or refused.' },
      original_name: { type: 'string' },
      width: { type: ['integer', 'null'] },
      height: { type: ['integer', 'null'] },
      byte_size: { type: ['integer', 'null'] },
      source_type: nullableString,
      blurhash: nullableString,
      dominant_color: nullableString,
      created_at: { type: 'string', format: 'date-time' },
      processed_at: nullableTime,
      reviewed_at: nullableTime,
      approval: { type: 'string', enum: ['draft', 'submitted', 'approved'], description: 'Where the text stands in its team workspace\'s approval (always draft in a personal workspace).' },
      expires_at: { ...nullableTime, description: 'When the stored working copy is deleted.' },
      result: { oneOf: [{ $ref: '#/components/schemas/Result' }, { type: 'null' }] },
    },
  },
  ResultVersion: {
    type: 'object',
    required: ['object', 'number', 'current', 'waiting', 'origin', 'restored_from', 'edited_by', 'human_fields', 'options', 'created_at', 'result'],
    properties: {
      object: { const: 'result_version' },
      number: { type: 'integer', minimum: 1 },
      current: { type: 'boolean', description: 'This version is the image\'s current result.' },
      waiting: { type: 'boolean', description: 'New text held back because a person had edited the result; it waits for their choice.' },
      origin: { type: 'string', enum: ['generated', 'edited', 'restored'] },
      restored_from: { type: ['integer', 'null'], description: 'The version a restore copied.' },
      edited_by: { type: ['integer', 'null'], description: 'The account that saved or restored it; null for generated text.' },
      human_fields: { type: 'array', items: { type: 'string' }, description: 'Fields a person wrote in this version.' },
      options: { type: ['object', 'null'], description: 'The describe options of a generated version.' },
      created_at: { type: 'string', format: 'date-time' },
      result: { $ref: '#/components/schemas/Result' },
    },
  },
  ResultVersionList: {
    type: 'object',
    required: ['data'],
    properties: { data: { type: 'array', items: { $ref: '#/components/schemas/ResultVersion' } } },
  },
  ImageList: {
    type: 'object',
    required: ['data', 'next_cursor'],
    properties: {
      data: { type: 'array', items: { $ref: '#/components/schemas/Image' } },
      next_cursor: { ...nullableString, description: 'Pass as `cursor` for the next page; null on the last page.' },
    },
  },
  Batch: {
    type: 'object',
    required: ['id', 'object', 'name', 'status', 'created_at', 'progress', 'images'],
    properties: {
      id: { type: 'string' },
      object: { const: 'batch' },
      name: { type: 'string' },
      status: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      cancelled: { type: 'integer', description: 'Only on the cancel answer: how many images were cancelled.' },
      budget_cap: { type: ['number', 'null'], description: 'The budget cap given at creation, or null.' },
      progress: {
        type: 'object',
        required: ['total', 'queued', 'processing', 'done', 'failed', 'cancelled', 'finished'],
        properties: {
          total: { type: 'integer' }, queued: { type: 'integer' }, processing: { type: 'integer' }, done: { type: 'integer' },
          failed: { type: 'integer' }, cancelled: { type: 'integer' }, finished: { type: 'boolean' },
        },
      },
      images: { type: 'array', items: { $ref: '#/components/schemas/Image' } },
    },
  },
  Usage: {
    type: 'object',
    required: ['month', 'descriptions_created', 'descriptions_retrieved', 'in_flight', 'quota', 'remaining', 'resets_at'],
    properties: {
      month: { type: 'string', description: 'Calendar month in UTC, e.g. 2026-11.' },
      descriptions_created: { type: 'integer', description: 'Descriptions stored this month (a regenerate is a new one).' },
      descriptions_retrieved: { type: 'integer', description: 'Finished descriptions handed out this month: one per image in each API answer or export that carries its result.' },
      in_flight: { type: 'integer', description: 'Images accepted and not yet described; they count against the quota already.' },
      quota: { type: ['integer', 'null'], description: 'null: no limit.' },
      remaining: { type: ['integer', 'null'], description: 'quota − created − in_flight, not below 0.' },
      resets_at: { type: 'string', format: 'date-time' },
    },
  },
  DescribeOptions: {
    type: 'object',
    description: 'The same options as the upload form. Everything is optional; the account defaults fill the rest.',
    properties: {
      language: { type: 'string', description: 'BCP 47 code, e.g. en, de, pt-BR; or `page`: the language of `surrounding_text` (else of `context_title` and `context_keywords`), detected on this machine; when the text is too short to tell, the usual language (the stored options then say `languageFromPage: false`).' },
      alt_text_length: { type: 'integer', minimum: 40, maximum: 1000 },
      tag_count: { type: 'integer', minimum: 0, maximum: 30 },
      style: { type: 'string', enum: ['concise', 'descriptive', 'product'] },
      context_title: { type: 'string', maxLength: 200 },
      context_keywords: { type: 'string', maxLength: 200 },
      context_product: { type: 'string', maxLength: 200 },
      context_brand: { type: 'string', maxLength: 200 },
      instructions: { type: 'string', maxLength: 2000 },
      pattern_id: { type: 'string', description: 'Describe with this pattern\'s current version; the result gets a manifest.' },
      purpose: {
        type: 'string', enum: ['informative', 'linked', 'functional', 'decorative', 'complex'], default: 'informative',
        description: 'Where the image is used (W3C alt decision tree): linked and functional alt text names the link\'s destination or the control\'s action; decorative gets alt=""; complex puts the data in the long description. The result\'s provenance notes say which rule was applied.',
      },
      link_target: { type: 'string', maxLength: 500, description: 'With linked: the destination (a page name or a web address); with functional: the action, e.g. "Search".' },
      also_in: {
        oneOf: [{ type: 'array', items: { type: 'string' }, maxItems: 5 }, { type: 'string' }],
        description: 'Up to 5 more languages (codes, as an array or separated by commas) to write the alt text, caption, title and long description in, besides `language`: one more model request per image and language. The offline describer writes English only and says so in the notes.',
      },
      surrounding_text: { type: 'string', maxLength: 2000, description: 'Text next to the image on its page: the alt text does not repeat it, and is empty when it already says everything.' },
    },
  },
  ImageEdit: {
    type: 'object',
    additionalProperties: false,
    properties: {
      alt_text: { type: 'string' }, caption: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } }, filename: { type: 'string' }, text: { type: 'string' },
      decorative: { type: 'boolean' }, reviewed: { type: 'boolean' },
    },
  },
};
