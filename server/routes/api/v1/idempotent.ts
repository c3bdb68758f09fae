import type { Request, Response } from 'express';
import type { Deps } from '../../../deps';
import { apiPrincipal } from '../../../middleware/api-key-auth';
import { requestIdOf } from '../../../middleware/api-errors';
import { fingerprint, runIdempotent, type Answer, type MarkResource, type Resumable } from '../../../services/idempotency';

/**
 * Sends the answer of a state-changing call, honouring `Idempotency-Key`: the request's identity is
 * its method, path, query and body (plus `extra`, e.g. the uploaded file's hash).
 */
export async function sendIdempotent(
  deps: Deps,
  req: Request,
  res: Response,
  work: (mark?: MarkResource) => Promise<Answer>,
  extra: unknown = null,
  onReplay?: () => Promise<void>,
  resumable?: Resumable,
): Promise<void> {
  const key = req.get('idempotency-key');
  // Hashing a large image_base64 body is wasted work when there is no key to compare it under.
  const hash = key === undefined ? '' : fingerprint([req.method, req.baseUrl + req.path, req.query, req.body ?? null, extra]);
  const answer = await runIdempotent(deps, apiPrincipal(res).userId, key, hash, work, onReplay, resumable);
  if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
  const body = answer.body as { error?: Record<string, unknown> } | null;
  if (body?.error) body.error.request_id = requestIdOf(res);
  if (answer.status === 204) return void res.status(204).end();
  res.status(answer.status).json(body);
}
