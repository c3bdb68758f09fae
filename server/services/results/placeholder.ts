import sharp from 'sharp';
import { decode, isBlurhashValid } from 'blurhash';

const WIDTH = 32;
const cache = new Map<string, string>();
const CACHE_LIMIT = 500;

/**
 * A blurred stand-in for an image whose working copy is gone: the blurhash rendered server-side to a
 * tiny PNG data URL (the CSP allows `img-src data:`; no script needed).
 */
export async function blurhashDataUrl(blurhash: string | null, width: number | null, height: number | null): Promise<string | null> {
  if (!blurhash || !isBlurhashValid(blurhash).result) return null;
  const ratio = width && height ? height / width : 0.75;
  const h = Math.max(1, Math.min(64, Math.round(WIDTH * ratio)));
  const key = `${blurhash}:${h}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const pixels = decode(blurhash, WIDTH, h);
  const png = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length), { raw: { width: WIDTH, height: h, channels: 4 } })
    .png()
    .toBuffer();
  const url = `data:image/png;base64,${png.toString('base64')}`;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, url);
  return url;
}
