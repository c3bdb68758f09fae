import { common, forbidden, idempotencyKey, idParam, json, notFound, ok, ref } from './parts';

/** The batches and usage operations of /api/v1. */
export function batchAndUsagePaths(): Record<string, unknown> {
  return {
    '/batches': {
      post: {
        operationId: 'createBatch',
        summary: 'Create an empty batch with options; add images with batch_id',
        parameters: [idempotencyKey],
        requestBody: { required: false, content: json({ allOf: [ref('DescribeOptions')], type: 'object', properties: { name: { type: 'string' }, budget_cap: { type: 'number', minimum: 0, description: 'Stop describing once the batch has spent this much (tokens × the prices an administrator entered for the describer in use; the offline describer costs nothing). The images left are failed with the reason and kept. Refused (400) when no price is known for the describer in use.' } } }) },
        responses: { '201': ok('The batch.', ref('Batch')), ...common, ...forbidden, ...notFound },
      },
    },
    '/batches/{id}': {
      parameters: [idParam('Batch id.')],
      get: { operationId: 'getBatch', summary: 'Progress and results of a batch', responses: { '200': ok('The batch.', ref('Batch')), ...common, ...notFound } },
      delete: {
        operationId: 'deleteBatch',
        summary: 'Delete the batch with every image in it, their working copies and their text',
        description: 'Each working copy deleted leaves a deletion receipt (SHA-256, times, reason) in the account, without the image\'s name.',
        parameters: [idempotencyKey],
        responses: { '204': { description: 'Deleted.' }, ...common, ...forbidden, ...notFound },
      },
    },
    '/batches/{id}/cancel': {
      parameters: [idParam('Batch id.')],
      post: {
        operationId: 'cancelBatch',
        summary: 'Cancel what has not finished',
        parameters: [idempotencyKey],
        responses: { '200': ok('The batch after cancelling.', ref('Batch')), ...common, ...forbidden, ...notFound },
      },
    },
    '/usage': {
      get: { operationId: 'getUsage', summary: 'This month\'s counts and quota', responses: { '200': ok('Usage of the calendar month (UTC).', ref('Usage')), ...common } },
    },
  };
}
