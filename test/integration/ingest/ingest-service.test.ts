import { expect } from 'chai';
import { workingCopyBlobs } from '../../helpers/privacy-seed';
import sharp from 'sharp';
import exifr from 'exifr';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { insertUser } from '../../helpers/rows';
import { insertDescription } from '../../helpers/description-rows';
import * as fx from '../../helpers/image-fixtures';
import { prepareUpload, createBatch } from '../../../server/services/ingest';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../../server/describers/types';
import { libraryPage, editDescription } from '../../../server/services/results';
import { exportRecords, recordsToCsv } from '../../../server/services/exports';

describe('ingest service', () => {
  let t: TestApp;
  let userId: number;
  beforeEach(async () => {
    t = await buildTestApp();
    userId = await insertUser(t.deps.db);
  });
  afterEach(async () => t.close());

  async function ingest(files: Array<[string, Buffer]>) {
    const uploads = await Promise.all(files.map(([name, bytes]) => prepareUpload(t.deps, bytes, name)));
    return createBatch(t.deps, { userId, uploads, options: DEFAULT_DESCRIBE_OPTIONS });
  }

  it('lets a corrupt file fail alone while the rest of the batch is queued', async () => {
    const { batchId, imageIds } = await ingest([
      ['dog.jpg', fx.fixture('dog.jpg')],
      ['broken.jpg', fx.corruptJpeg()],
      ['cat.png', fx.fixture('cat.png')],
    ]);
    const images = await t.deps.db('images').where({ batch_id: batchId }).orderBy('rowid');
    expect(images.map((i) => [i.original_name, i.status])).to.deep.equal([
      ['dog.jpg', 'queued'],
      ['broken.jpg', 'refused'],
      ['cat.png', 'queued'],
    ]);
    expect(images[1].error).to.match(/could not be read as an image/);
    expect(images[1].blob_key).to.equal(null);
    const jobs = await t.deps.db('jobs').select('image_id').orderBy('id');
    expect(jobs.map((j) => j.image_id)).to.deep.equal([imageIds[0], imageIds[2]]);
    expect(await workingCopyBlobs(t)).to.have.members([images[0].blob_key, images[2].blob_key]);
  });

  it('gives images random ids and records what it learned from each file', async () => {
    const { imageIds } = await ingest([['eagle.jpg', fx.fixture('eagle-gps.jpg')], ['eagle2.jpg', fx.fixture('eagle-gps.jpg')]]);
    for (const id of imageIds) expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(imageIds[0]).not.to.equal(imageIds[1]);
    const image = await t.deps.db('images').where({ id: imageIds[0] }).first();
    expect(image).to.include({ width: 400, height: 265, source_type: 'image/jpeg', status: 'queued' });
    expect(image.dominant_color).to.match(/^#[0-9a-f]{6}$/);
    expect(JSON.parse(image.embedded_json)).to.deep.equal({
      caption: 'Young bald eagle standing on the shore of Lake Ontario',
      keywords: ['eagle', 'bird', 'lake'],
    });
    // Until it is described: at most 7 days; the retention rules take over once it finishes.
    expect(image.expires_at).to.equal(image.created_at + 7 * 24 * 3600 * 1000);
  });

  it('stores a working copy that decrypts to a JPEG without location or camera tags', async () => {
    const { imageIds } = await ingest([['eagle.jpg', fx.fixture('eagle-gps.jpg')]]);
    const image = await t.deps.db('images').where({ id: imageIds[0] }).first();
    const copy = await t.deps.blobs.get(image.blob_key);
    expect((await sharp(copy).metadata()).format).to.equal('jpeg');
    const tags = await exifr.parse(copy, true);
    expect(tags?.latitude).to.equal(undefined);
    expect(tags?.Make).to.equal(undefined);
    expect(copy.includes(Buffer.from('Canon'))).to.equal(false);
  });

  it('removes the stored working copies again when the batch cannot be saved', async () => {
    const uploads = [await prepareUpload(t.deps, fx.fixture('dog.jpg'), 'dog.jpg')];
    expect(await workingCopyBlobs(t)).to.have.length(1);
    let failed = false;
    await createBatch(t.deps, { userId: 999_999, uploads, options: DEFAULT_DESCRIBE_OPTIONS }).catch(() => (failed = true));
    expect(failed).to.equal(true);
    expect(await workingCopyBlobs(t)).to.deep.equal([]);
    expect(await t.deps.db('images').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('finds images by generated text, and by the edited text once the user changes it', async () => {
    const { imageIds } = await ingest([['a.jpg', fx.fixture('dog.jpg')], ['b.png', fx.fixture('cat.png')]]);
    await insertDescription(t.deps.db, imageIds[0], userId, { alt_text: 'A spotted dog running on grass' });
    await insertDescription(t.deps.db, imageIds[1], userId, { alt_text: 'A tabby cat', tags_json: '["kitten","whiskers"]' });
    const ids = async (q: string) => (await libraryPage(t.deps, userId, { q })).cards.map((c) => c.image.id);
    expect(await ids('spotted dog')).to.deep.equal([imageIds[0]]);
    expect(await ids('whisk')).to.deep.equal([imageIds[1]]);
    expect(await ids('(tabby" OR')).to.deep.equal([]);
    expect(await ids('(tabby" cat:')).to.deep.equal([imageIds[1]]);

    const edit = await editDescription(t.deps, userId, imageIds[0], { alt_text: 'A dalmatian puppy chasing a frisbee', tags: 'dog, puppy' });
    expect(edit.ok).to.equal(true);
    expect(await ids('dalmatian')).to.deep.equal([imageIds[0]]);
    expect(await ids('spotted')).to.deep.equal([]);
  });

  it('finds images by their file name too, ignoring case, with % and _ matching only themselves', async () => {
    const { imageIds } = await ingest([['Holiday-Beach.JPG', fx.fixture('dog.jpg')], ['100%_done.png', fx.fixture('cat.png')]]);
    const ids = async (q: string) => (await libraryPage(t.deps, userId, { q })).cards.map((c) => c.image.id).sort();
    expect(await ids('holiday-beach')).to.deep.equal([imageIds[0]]);
    expect(await ids('BEACH.jpg')).to.deep.equal([imageIds[0]]);
    expect(await ids('%_')).to.deep.equal([imageIds[1]]);
    expect(await ids('_')).to.deep.equal([imageIds[1]]);
    expect(await ids('y%b')).to.deep.equal([]);
  });

  it('never finds another user\'s images in a search', async () => {
    const { imageIds } = await ingest([['a.jpg', fx.fixture('dog.jpg')]]);
    await insertDescription(t.deps.db, imageIds[0], userId, { alt_text: 'unique zebra text' });
    const other = await insertUser(t.deps.db);
    expect((await libraryPage(t.deps, other, { q: 'zebra' })).total).to.equal(0);
    expect((await libraryPage(t.deps, userId, { q: 'zebra' })).total).to.equal(1);
  });

  it('exports edited text, and neutralises spreadsheet formulas in CSV', async () => {
    const { batchId, imageIds } = await ingest([['=HYPERLINK("http://evil")', fx.fixture('dog.jpg')]]);
    await insertDescription(t.deps.db, imageIds[0], userId, { alt_text: '=1+2', caption: '+SUM(A1)', title: '-3', text: '@cmd', filename: '\tx.jpg' });
    await editDescription(t.deps, userId, imageIds[0], {
      alt_text: '=cmd|" /C calc"!A0', caption: '+SUM(A1)', title: '-3', description: 'fine', tags: '@tag, ok', filename: '\rname.jpg', text: 'plain',
    });
    const records = (await exportRecords(t.deps, userId, batchId))!;
    expect(records[0].alt_text).to.equal('=cmd|" /C calc"!A0');
    const csv = recordsToCsv(records);
    const cells = csv.split('\r\n')[1];
    expect(cells).to.include(`"'=HYPERLINK(""http://evil"")"`);
    expect(cells).to.include(`"'=cmd|"" /C calc""!A0"`);
    expect(cells).to.include(`'+SUM(A1)`);
    expect(cells).to.include(`'-3`);
    expect(cells).to.include(`'@tag, ok`);
    expect(cells).not.to.match(/(^|,)[=+\-@]/);
  });
});
