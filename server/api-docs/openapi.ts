import { componentSchemas } from './schemas';
import { batchAndUsagePaths } from './batch-paths';
import { common, errorResponse, forbidden, idempotencyKey, idParam, json, notFound, ok, ref } from './parts';

/** The OpenAPI 3.1 document of /api/v1; the docs page is rendered from it, and a test checks it against the routes. */
export function openApiDocument(baseUrl = ''): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline API',
      version: '1.0.0',
      description: 'Describe images (alt text, captions, tags, structured manifests) from scripts and other software. JSON in and out; one error shape; keys from /account/api-keys.',
    },
    servers: [{ url: `${baseUrl}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key such as `sl_live_…`; read keys may only GET.' } },
      schemas: componentSchemas,
    },
    paths: {
      '/images': {
        post: {
          operationId: 'createImage',
          summary: 'Describe one image',
          description: 'Send one image: as a single multipart `image` part (a second part answers 400), or JSON with `image_base64` or `image_url` (http/https only; private, loopback, link-local and metadata addresses are refused, also after redirects; at most 5 redirects, size and time limits). Answers 202 at once, or with `wait` up to that many seconds for the result (200).',
          parameters: [{ name: 'wait', in: 'query', required: false, description: 'Seconds to wait for the result, 0 to 60.', schema: { type: 'number', minimum: 0, maximum: 60 } }, idempotencyKey],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  allOf: [ref('DescribeOptions')],
                  type: 'object',
                  properties: {
                    image_base64: { type: 'string', description: 'The file\'s bytes in base64 (a data: URL is accepted).' },
                    image_url: { type: 'string', format: 'uri' },
                    filename: { type: 'string', description: 'Name to record with image_base64.' },
                    batch_id: { type: 'string', description: 'Add to this batch (from POST /batches).' },
                    name: { type: 'string', description: 'Name of the new batch when batch_id is not given.' },
                  },
                },
              },
              'multipart/form-data': {
                schema: { allOf: [ref('DescribeOptions')], type: 'object', required: ['image'], properties: { image: { type: 'string', format: 'binary' }, batch_id: { type: 'string' } } },
              },
            },
          },
          responses: {
            '200': ok('Finished within `wait`: the image with its result.', ref('Image')),
            '202': ok('Accepted and queued.', ref('Image')),
            ...common, ...forbidden, ...notFound,
            '409': errorResponse('The same Idempotency-Key is still being processed.'),
            '413': errorResponse('Larger than the upload limit.'),
            '422': errorResponse('Not an image we take (`image_refused`, with the reason), image_url failed, or an Idempotency-Key reused with another request.'),
          },
        },
        get: {
          operationId: 'listImages',
          summary: 'List images, newest first',
          parameters: [
            { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['queued', 'processing', 'done', 'failed', 'cancelled', 'refused'] } },
            { name: 'batch_id', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'reviewed', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
            { name: 'created_after', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
            { name: 'created_before', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'cursor', in: 'query', required: false, description: 'next_cursor of the previous page.', schema: { type: 'string' } },
          ],
          responses: { '200': ok('One page of images.', ref('ImageList')), ...common },
        },
      },
      '/images/{id}': {
        parameters: [idParam('Image id.')],
        get: { operationId: 'getImage', summary: 'One image with its result', responses: { '200': ok('The image.', ref('Image')), ...common, ...notFound } },
        patch: {
          operationId: 'updateImage',
          summary: 'Edit result fields or mark reviewed',
          description: 'Only the fields sent change.',
          parameters: [idempotencyKey],
          requestBody: { required: true, content: json(ref('ImageEdit')) },
          responses: { '200': ok('The edited image.', ref('Image')), ...common, ...forbidden, ...notFound, '409': errorResponse('Not described yet.') },
        },
        delete: {
          operationId: 'deleteImage',
          summary: 'Delete the image, its working copy and its text',
          parameters: [idempotencyKey],
          responses: { '204': { description: 'Deleted.' }, ...common, ...forbidden, ...notFound },
        },
      },
      '/images/bulk': {
        post: {
          operationId: 'bulkImages',
          summary: 'Mark reviewed or not, describe again, delete, or take a step of approval for many images at once',
          description: 'At most 1,000 ids. Ids that are not this workspace\'s images are left out of `ids`, as if they did not exist. `review` marks only images with a finished description; `redescribe` takes the options of /images/{id}/regenerate and skips images whose working copy has expired. Each action needs the role it needs on the web: a contributor\'s key for review, unreview, redescribe and submit (redescribing approved images needs an editor\'s); an editor\'s for delete, approve and send_back (with a `comment`, the same for every image). `done` counts the images changed; images not in a state the step moves from are left as they are.',
          parameters: [idempotencyKey],
          requestBody: {
            required: true,
            content: json({
              allOf: [ref('DescribeOptions')],
              type: 'object',
              required: ['action', 'ids'],
              properties: {
                action: { type: 'string', enum: ['review', 'unreview', 'redescribe', 'delete', 'submit', 'approve', 'send_back'] },
                ids: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1000 },
                comment: { type: 'string', maxLength: 500, description: 'With send_back: what should change (required).' },
                replace_edits: { type: 'boolean', default: false, description: 'With redescribe: let the new text replace edits made by a person.' },
              },
            }),
          },
          responses: {
            '200': ok('What was done.', {
              type: 'object',
              required: ['object', 'action', 'ids', 'done'],
              properties: {
                object: { type: 'string', enum: ['bulk_action'] },
                action: { type: 'string' },
                ids: { type: 'array', items: { type: 'string' }, description: 'The ids sent that are this account\'s images.' },
                done: { type: 'integer', description: 'How many were marked, queued again, deleted, or moved a step of approval.' },
              },
            }),
            ...common, ...forbidden,
          },
        },
      },
      '/images/{id}/translations': {
        parameters: [idParam('Image id.')],
        post: {
          operationId: 'translateImageText',
          summary: 'Write the current text in more languages, without describing again',
          description: 'The alt text, caption, title and long description as they are now (a person\'s edits included), written in each language by the model server: one request per language, answered when all are written. A language already there is written again; the others are kept. 409 with the offline describer (it writes English only) or before the image is described; 502 when the model server fails (nothing is changed).',
          parameters: [idempotencyKey],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['languages'],
              properties: { languages: { oneOf: [{ type: 'array', items: { type: 'string' }, maxItems: 5 }, { type: 'string', description: 'Comma-separated codes.' }] } },
            }),
          },
          responses: { '200': ok('The image, with `result.translations`.', ref('Image')), ...common, ...forbidden, ...notFound, '409': errorResponse('Not described yet, or no model server to translate with.'), '502': errorResponse('The model server failed; nothing was changed.') },
        },
      },
      '/images/{id}/regenerate': {
        parameters: [idParam('Image id.')],
        post: {
          operationId: 'regenerateImage',
          summary: 'Describe the image again, optionally with other options or a pattern',
          description: 'When a person has edited the result, their text stays current and the new text is kept as a version waiting for their choice (see /images/{id}/versions), unless `replace_edits` is true.',
          parameters: [idempotencyKey],
          requestBody: {
            required: false,
            content: json({
              allOf: [ref('DescribeOptions')],
              type: 'object',
              properties: { replace_edits: { type: 'boolean', default: false, description: 'Let the new text replace edits made by a person (they stay in the version history); clears reviewed.' } },
            }),
          },
          responses: { '202': ok('Queued again.', ref('Image')), ...common, ...forbidden, ...notFound, '409': errorResponse('The working copy has expired, so it cannot be described again.') },
        },
      },
      '/images/{id}/download': {
        parameters: [idParam('Image id.')],
        get: {
          operationId: 'downloadImageWithText',
          summary: 'The kept working copy, with the text written into the file',
          description: 'The re-encoded JPEG Sightline keeps (never the upload) with IPTC Alt Text (Accessibility), Extended Description, dc:description, dc:title, dc:subject and photoshop:Headline as XMP, made in memory. 404 once the working copy is deleted; 409 before the image is described, or, where the workspace requires approval, before its text is approved.',
          responses: { '200': { description: 'The JPEG file.', content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } }, ...common, ...notFound, '409': errorResponse('Not described yet, or not approved yet.') },
        },
      },
      '/embed-file': {
        post: {
          operationId: 'embedFile',
          summary: 'Describe one file in memory and answer it with the text written in; nothing is stored',
          description: 'One multipart `image` part (JPEG, PNG, WebP or TIFF), described with the workspace\'s default options and answered as the same file with IPTC Alt Text (Accessibility), Extended Description, dc:description, dc:title, dc:subject and photoshop:Headline added as XMP; the pixels and the file\'s other metadata are kept, and XMP fields another tool wrote stay. No image, text or working copy is stored; the month\'s usage counts it. Needs a read and write key of a contributor or above.',
          requestBody: {
            required: true,
            content: { 'multipart/form-data': { schema: { type: 'object', required: ['image'], properties: { image: { type: 'string', format: 'binary' } } } } },
          },
          responses: {
            '200': { description: 'The file with the text in it, of the type sent.', content: Object.fromEntries(['image/jpeg', 'image/png', 'image/webp', 'image/tiff'].map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) },
            ...common, ...forbidden,
            '413': errorResponse('Larger than the upload limit, or more than one file.'),
            '415': errorResponse('Not a file that can carry the text (`unsupported_file`), or not an image we take (`image_refused`).'),
            '502': errorResponse('The describer failed.'),
            '503': errorResponse('Too many in-memory descriptions at once; try again.'),
          },
        },
      },
      '/images/{id}/approval': {
        parameters: [idParam('Image id.')],
        post: {
          operationId: 'approveImage',
          summary: 'Submit the image\'s text for approval, approve it, or send it back with a comment',
          description: 'Team workspaces. `submit` needs a contributor\'s key (draft → submitted); `approve` and `send_back` an editor\'s. Approving sends `image.approved` to subscribed webhooks; where the workspace requires approval, exports carry approved images only. A step that does not apply to the image\'s state (not described yet, or already past it) changes nothing and answers the image as it is.',
          parameters: [idempotencyKey],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['step'],
              properties: {
                step: { type: 'string', enum: ['submit', 'approve', 'send_back'] },
                comment: { type: 'string', maxLength: 500, description: 'Required with send_back: what should change.' },
              },
            }),
          },
          responses: { '200': ok('The image, with its approval state.', ref('Image')), ...common, ...forbidden, ...notFound },
        },
      },
      '/images/{id}/versions': {
        parameters: [idParam('Image id.')],
        get: {
          operationId: 'listImageVersions',
          summary: 'Every version of the image\'s result, newest first',
          description: 'Each generated result, each edit and each restore is a version. `current` marks the one in `result`; `waiting` marks new text held back because a person had edited the result.',
          responses: { '200': ok('The versions.', ref('ResultVersionList')), ...common, ...notFound },
        },
      },
      ...batchAndUsagePaths(),
    },
    webhooks: {
      'image.completed': webhook('An image was described.', ref('Image')),
      'image.failed': webhook('An image could not be described; `error` says why.', ref('Image')),
      'image.approved': webhook('An editor approved an image\'s text (team workspaces that require approval).', ref('Image')),
      'batch.completed': webhook('Every image of a batch has finished.', { type: 'object' }),
    },
  };
}

function webhook(summary: string, data: unknown): Record<string, unknown> {
  return {
    post: {
      summary,
      description: 'Signed the Standard Webhooks way: headers webhook-id, webhook-timestamp and webhook-signature (v1,<base64 HMAC-SHA256 of "id.timestamp.body" with the whsec_ secret>). Retried after 30 s, 2 min, 10 min, 30 min, 1 h and 6 h with the same webhook-id; redirects are not followed.',
      requestBody: {
        content: json({ type: 'object', required: ['type', 'timestamp', 'data'], properties: { type: { type: 'string' }, timestamp: { type: 'string', format: 'date-time' }, data } }),
      },
      responses: { '200': { description: 'Any 2xx answer counts as delivered.' } },
    },
  };
}
