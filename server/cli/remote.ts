import type { Description } from '../describers/types';
import type { DescribeFile } from './describe-folder';

/** How long the server may hold one request for the result (its own limit is 60 s). */
const WAIT_SECONDS = 30;
/** Longest pause the command takes for a 429, whatever Retry-After says. */
const MAX_RETRY_AFTER_S = 120;
/** Attempts for a request that failed on the way (connection, 5xx) before the image counts as failed. */
const ATTEMPTS = 4;

type ApiImage = { id: string; status: string; error: string | null; result: (Description & { provenance: Description['provenance'] }) | null };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Describes through a running Sightline's API: the file is uploaded with the form's option fields
 * and an Idempotency-Key made from its hash and the options, so a request repeated after a lost
 * answer or a killed run gets the first answer instead of a second image. 429 waits for
 * Retry-After; connection errors and 5xx are tried again with backoff; a 202 is polled.
 */
export function describeThroughServer(server: string, apiKey: string, fields: Record<string, string>): DescribeFile {
  const base = server.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${apiKey}` };

  async function call(url: string, init: () => RequestInit): Promise<ApiImage> {
    for (let attempt = 1; ; attempt += 1) {
      let res: Response;
      try {
        res = await fetch(url, init());
      } catch (err) {
        if (attempt >= ATTEMPTS) throw new Error(`${base} could not be reached: ${(err as Error).message}`);
        await pause(500 * 2 ** attempt);
        continue;
      }
      if (res.status === 429) {
        const after = Number(res.headers.get('retry-after'));
        await pause(Math.min(MAX_RETRY_AFTER_S, Number.isFinite(after) && after > 0 ? after : 5) * 1000);
        attempt -= 1; // waiting as asked is not a failed attempt
        continue;
      }
      if (res.status >= 500 && attempt < ATTEMPTS) {
        await pause(500 * 2 ** attempt);
        continue;
      }
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (!res.ok) {
        const refusal = body.error as { message?: string } | undefined;
        throw new Error(refusal?.message ?? `The server answered ${res.status}.`);
      }
      return body as unknown as ApiImage;
    }
  }

  return async (bytes, fileName, key) => {
    let image = await call(`${base}/api/v1/images?wait=${WAIT_SECONDS}`, () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('image', new Blob([new Uint8Array(bytes)]), fileName);
      return { method: 'POST', headers: { ...headers, 'idempotency-key': `cli-${key.replace(/:/g, '-')}` }, body: form };
    });
    while (image.status === 'queued' || image.status === 'processing') {
      await pause(1000);
      image = await call(`${base}/api/v1/images/${encodeURIComponent(image.id)}`, () => ({ headers }));
    }
    if (image.status !== 'done' || !image.result) throw new Error(image.error ?? `The image ended ${image.status}.`);
    return image.result;
  };
}
