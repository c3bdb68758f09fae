import { expect } from 'chai';
import sharp from 'sharp';
import exifr from 'exifr';
import { decode as decodeBlurhash } from 'blurhash';
import { prepareImage, RefusedImageError } from '../../server/services/ingest/prepare';
import { sniffImageType } from '../../server/services/ingest/sniff';
import * as fx from '../helpers/image-fixtures';

const LIMIT = 100_000_000;

async function refusal(bytes: Buffer, maxPixels = LIMIT): Promise<RefusedImageError> {
  try {
    await prepareImage(bytes, maxPixels);
  } catch (err) {
    expect(err).to.be.instanceOf(RefusedImageError);
    return err as RefusedImageError;
  }
  return expect.fail('expected the file to be refused');
}

describe('ingest: sniffing the real type', () => {
  for (const format of ['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'] as const) {
    it(`accepts ${format} by its bytes`, async () => {
      const result = sniffImageType(await fx.solidImage(format));
      expect(result).to.deep.equal({ accepted: true, type: `image/${format}` });
    });
  }

  it('names SVG, HTML and PDF when refusing them', () => {
    expect(sniffImageType(fx.HOSTILE_SVG)).to.include({ accepted: false, type: 'image/svg+xml' });
    expect(sniffImageType(fx.HTML_PAGE)).to.include({ accepted: false, type: 'text/html' });
    expect(sniffImageType(fx.PDF_FILE)).to.include({ accepted: false, type: 'application/pdf' });
    expect(sniffImageType(fx.TEXT_FILE)).to.include({ accepted: false, type: null });
    expect(sniffImageType(Buffer.alloc(0))).to.include({ accepted: false });
  });

  it('refuses a HEIC file even though it shares the AVIF container', () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);
    expect(sniffImageType(heic)).to.include({ accepted: false, type: 'image/heic' });
  });
});

describe('ingest: preparing the working copy', () => {
  it('strips GPS, camera and every other tag from the working copy', async () => {
    const original = fx.fixture('eagle-gps.jpg');
    expect((await exifr.parse(original, true)).latitude).to.be.a('number');
    const prepared = await prepareImage(original, LIMIT);
    expect(await exifr.parse(prepared.workingCopy, true)).to.equal(undefined);
    const meta = await sharp(prepared.workingCopy).metadata();
    expect(meta.format).to.equal('jpeg');
    expect(meta.exif).to.equal(undefined);
    expect(meta.xmp).to.equal(undefined);
    expect(meta.iptc).to.equal(undefined);
    expect(meta.icc).to.equal(undefined);
  });

  it('keeps the embedded caption and keywords as context text', async () => {
    const prepared = await prepareImage(fx.fixture('eagle-gps.jpg'), LIMIT);
    expect(prepared.embedded.caption).to.equal('Young bald eagle standing on the shore of Lake Ontario');
    expect(prepared.embedded.keywords).to.deep.equal(['eagle', 'bird', 'lake']);
  });

  it('records dimensions, a decodable blurhash, a dominant colour and the source type', async () => {
    const prepared = await prepareImage(fx.fixture('cat.png'), LIMIT);
    expect(prepared).to.include({ width: 240, height: 160, sourceType: 'image/png' });
    expect(prepared.dominantColor).to.match(/^#[0-9a-f]{6}$/);
    expect(decodeBlurhash(prepared.blurhash, 8, 8)).to.have.length(8 * 8 * 4);
    expect(prepared.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  it('auto-orients and caps the long side at 1536 px', async () => {
    // Stored 2000×1000 with EXIF orientation 6: displayed 1000×2000.
    const rotated = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#884422' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const prepared = await prepareImage(rotated, LIMIT);
    expect(prepared).to.include({ width: 1000, height: 2000 });
    const meta = await sharp(prepared.workingCopy).metadata();
    expect([meta.width, meta.height]).to.deep.equal([768, 1536]);
    expect(meta.orientation).to.equal(undefined);
  });

  it('takes the first frame of an animated GIF and re-encodes a scripted comment away', async () => {
    const prepared = await prepareImage(await fx.gifWithScriptComment(), LIMIT);
    expect(prepared.sourceType).to.equal('image/gif');
    expect(prepared.workingCopy.includes(Buffer.from('<script'))).to.equal(false);
    expect((await sharp(prepared.workingCopy).metadata()).format).to.equal('jpeg');
  });

  it('refuses SVG, HTML, PDF, plain text and an HTML/PNG polyglot with a plain reason', async () => {
    expect((await refusal(fx.HOSTILE_SVG)).message).to.match(/SVG files are not accepted/);
    expect((await refusal(fx.HTML_PAGE)).message).to.match(/web page/);
    expect((await refusal(fx.PDF_FILE)).message).to.match(/PDF files are not accepted/);
    expect((await refusal(fx.TEXT_FILE)).message).to.match(/not an image we accept/);
    expect((await refusal(await fx.htmlPngPolyglot())).message).to.match(/web page/);
  });

  it('refuses a pixel bomb from its header, quickly and without decoding it', async () => {
    const started = Date.now();
    const err = await refusal(fx.pixelBombPng());
    expect(err.message).to.equal('The image is 50000×50000 pixels, more than the limit of 100 megapixels.');
    expect(Date.now() - started).to.be.below(2000);
  });

  it('refuses a damaged file with a plain reason', async () => {
    expect((await refusal(fx.corruptJpeg())).message).to.match(/could not be read as an image/);
  });
});

describe('ingest: sharp loader policy', () => {
  it('leaves sharp unable to load SVG at all, while JPEG still loads', async () => {
    const { applySharpPolicy } = await import('../../server/services/ingest/sharp-policy');
    applySharpPolicy();
    let refused = false;
    await sharp(fx.HOSTILE_SVG).metadata().catch(() => (refused = true));
    expect(refused).to.equal(true);
    expect((await sharp(fx.fixture('dog.jpg')).metadata()).format).to.equal('jpeg');
  });
});
