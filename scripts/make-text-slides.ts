import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * node dist/scripts/make-text-slides.js
 * Renders the OCR test slides described in test/fixtures/slides/slides.json (needs the DejaVu and
 * Liberation fonts: fonts-dejavu-core, fonts-liberation). The PNGs are committed, so tests do not
 * depend on the fonts installed where they run.
 */
interface Slide {
  file: string;
  font: string;
  weight: string;
  background: string;
  colour: string;
  lines: [number, string][];
}

const DIR = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'slides');
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

async function main(): Promise<void> {
  const { slides } = JSON.parse(fs.readFileSync(path.join(DIR, 'slides.json'), 'utf8')) as { slides: Slide[] };
  for (const slide of slides) {
    let y = 0;
    const texts = slide.lines.map(([size, text], i) => {
      // A title's top sits near the edge; each further line leaves 0.6 of its size between lines.
      y += Math.round(size * (i === 0 ? 1.05 : 1.6));
      return `<text x="96" y="${y}" font-family="${slide.font}" font-weight="${slide.weight}" font-size="${size}" fill="${slide.colour}">${escape(text)}</text>`;
    });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"><rect width="100%" height="100%" fill="${slide.background}"/>${texts.join('')}</svg>`;
    // 16 colours are plenty for antialiased text on a flat background and keep each file near 15 kB.
    await sharp(Buffer.from(svg)).png({ palette: true, colours: 16, compressionLevel: 9, effort: 10 }).toFile(path.join(DIR, slide.file));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
