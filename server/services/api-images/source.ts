import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { OutboundError, safeFetch, type Resolver } from '../../net';

/** Time for the whole image_url download, redirects included. */
const URL_TIMEOUT_MS = 15_000;
const URL_MAX_REDIRECTS = 5;

/** `image_base64`, plain or as a data: URL; the bytes are checked like an upload afterwards. */
export function decodeBase64Image(deps: Pick<Deps, 'config'>, text: string): Buffer {
  const payload = text.replace(/^data:[^;,]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload) || payload.length === 0) throw new HttpError(400, 'image_base64 is not base64.', 'invalid_image_base64');
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length > deps.config.maxUploadBytes) throw new HttpError(413, `The image is larger than the ${deps.config.maxUploadBytes / 1024 / 1024} MB limit.`, 'payload_too_large');
  return bytes;
}

/**
 * Downloads `image_url` through the outgoing-address guard: http(s) only, no private, loopback,
 * link-local or metadata targets (also after redirects and DNS changes), size and time limits.
 */
export async function downloadImage(deps: Pick<Deps, 'config'>, url: string, resolve?: Resolver): Promise<{ bytes: Buffer; name: string }> {
  try {
    const res = await safeFetch(url, {
      maxRedirects: URL_MAX_REDIRECTS,
      maxBytes: deps.config.maxUploadBytes,
      timeoutMs: URL_TIMEOUT_MS,
      allowedHosts: deps.config.allowedInternalHosts,
      headers: { accept: 'image/jpeg, image/png, image/webp;q=0.9, */*;q=0.1', 'user-agent': 'Sightline/1 (image fetch)' },
      resolve,
    });
    if (res.status !== 200) throw new HttpError(422, `image_url answered ${res.status}.`, 'image_url_failed');
    const last = decodeURIComponent(new URL(res.url).pathname.split('/').pop() ?? '');
    return { bytes: res.body, name: last || 'image' };
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    if (err.code === 'too_large') throw new HttpError(413, `The image at image_url is larger than the ${deps.config.maxUploadBytes / 1024 / 1024} MB limit.`, 'payload_too_large');
    const refused = err.code === 'address_refused' || err.code === 'invalid_url';
    throw new HttpError(refused ? 400 : 422, `image_url: ${err.message}.`, refused ? 'image_url_refused' : 'image_url_failed');
  }
}
