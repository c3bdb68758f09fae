/** The pieces every operation of the OpenAPI document is made of. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ 'application/json': { schema } });
export const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });

export const rateHeaders = {
  'RateLimit-Limit': { description: 'Requests allowed per minute for this key.', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer' } },
};

/** Answers every authenticated operation can give, besides its own. */
export const common = {
  '400': errorResponse('The request is malformed; the message says which field.'),
  '401': errorResponse('No key, an unknown or revoked key (`unauthorized`), or a key whose account is disabled (`account_disabled`) or deleted (`account_deleted`).'),
  '429': {
    description: 'Too many requests for this key (`rate_limited`, with Retry-After) or the monthly quota is used up (`quota_exceeded`).',
    headers: { 'Retry-After': { schema: { type: 'integer' } }, ...rateHeaders },
    content: json(ref('Error')),
  },
};
export const notFound = { '404': errorResponse('Not found, or not yours: another account\'s resource answers the same.') };
export const forbidden = { '403': errorResponse('The key is read-only (`insufficient_scope`).') };
export const idParam = (description: string) => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string' } });
export const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Any unique string up to 255 characters. A repeat within 24 hours returns the first answer and creates nothing; the same key with a different request answers 422.',
  schema: { type: 'string', maxLength: 255 },
};
export const ok = (description: string, schema: unknown) => ({ description, headers: rateHeaders, content: json(schema) });
