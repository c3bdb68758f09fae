import type { ColourShare, ImageStats } from '../signals';
import { fromDecoded, type DecodedImage } from './decode';

/** Statistics come from a thumbnail: 96 px is plenty for colour shares and costs ~1 ms. */
const THUMB = 96;

function hsl(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return [0, 0, l];
  const s = d / (1 - Math.abs(2 * l - 1));
  let h: number;
  if (max === r / 255) h = ((g - b) / 255 / d) % 6;
  else if (max === g / 255) h = (b - r) / 255 / d + 2;
  else h = (r - g) / 255 / d + 4;
  return [(h * 60 + 360) % 360, s, l];
}

/** A plain colour word for one pixel; brown is a dark orange/red, as people name it. */
export function colourName(r: number, g: number, b: number): string {
  const [h, s, l] = hsl(r, g, b);
  if (l < 0.13) return 'black';
  if (s < 0.15 || (l > 0.9 && s < 0.4)) return l > 0.82 ? 'white' : 'grey';
  if ((h < 45 || h >= 345) && l < 0.38 && h >= 10) return 'brown';
  if (h < 12 || h >= 345) return 'red';
  if (h < 42) return l < 0.45 ? 'brown' : 'orange';
  if (h < 68) return 'yellow';
  if (h < 170) return 'green';
  if (h < 255) return 'blue';
  if (h < 290) return 'purple';
  return 'pink';
}

/** Colour shares, chroma, flatness, sky and greenery from a small thumbnail of the image. */
export async function imageStats(image: DecodedImage): Promise<ImageStats> {
  const { data, info } = await fromDecoded(image).resize(THUMB, THUMB, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  const names = new Map<string, number>();
  const bins = new Map<number, number>();
  let chroma = 0;
  let luminance = 0;
  let sky = 0;
  let green = 0;
  const topRows = Math.max(1, Math.floor(info.height / 4));
  for (let i = 0; i < pixels; i++) {
    const r = data[i * info.channels];
    const g = data[i * info.channels + 1];
    const b = data[i * info.channels + 2];
    const name = colourName(r, g, b);
    names.set(name, (names.get(name) ?? 0) + 1);
    const bin = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
    chroma += (Math.max(r, g, b) - Math.min(r, g, b)) / 255;
    luminance += (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    const [h, s, l] = hsl(r, g, b);
    if (i < topRows * info.width && h >= 185 && h <= 245 && s > 0.2 && l > 0.4) sky++;
    if (h >= 65 && h < 170 && s > 0.2 && l > 0.12 && l < 0.8) green++;
  }
  const colours: ColourShare[] = [...names.entries()]
    .map(([name, count]) => ({ name, share: round(count / pixels) }))
    .filter((c) => c.share >= 0.03)
    .sort((a, b) => b.share - a.share);
  const topBins = [...bins.values()].sort((a, b) => b - a);
  return {
    width: image.originalWidth,
    height: image.originalHeight,
    colours,
    meanChroma: round(chroma / pixels),
    flatness: round(((topBins[0] ?? 0) + (topBins[1] ?? 0)) / pixels),
    skyShare: round(sky / (topRows * info.width)),
    greenShare: round(green / pixels),
    luminance: round(luminance / pixels),
    hasAlpha: image.hasAlpha,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
