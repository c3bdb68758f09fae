import { expect } from 'chai';
import { loadConfig } from '../../../server/config';
import {
  accountImageRetention,
  allowedImageRetentions,
  batchImageRetention,
  computeImageExpiry,
  UNPROCESSED_IMAGE_LIMIT_MS,
  imageExpiryRule,
} from '../../../server/services/retention/policy';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function config(env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-policy-'));
  return loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, ...env });
}

describe('retention policy', () => {
  const t0 = Date.UTC(2026, 10, 22, 14, 0);
  const image = (status: string, processed: number | null = t0) => ({ status, created_at: t0 - 60_000, processed_at: processed, updated_at: t0 });

  it('keeps images 30 minutes after processing by default', () => {
    expect(computeImageExpiry(config(), image('done'), null, { image_retention: null })).to.equal(t0 + 30 * 60_000);
  });

  it('uses IMAGE_RETENTION as the default for accounts that chose nothing', () => {
    const c = config({ IMAGE_RETENTION: '24h' });
    expect(accountImageRetention(c, { image_retention: null })).to.equal(86400);
    expect(accountImageRetention(c, { image_retention: '7d' })).to.equal(7 * 86400);
  });

  it('never keeps an image longer than MAX_IMAGE_RETENTION, whatever the account chose', () => {
    const c = config({ IMAGE_RETENTION: '30m', MAX_IMAGE_RETENTION: '24h' });
    expect(accountImageRetention(c, { image_retention: 'forever' })).to.equal(86400);
    expect(accountImageRetention(c, { image_retention: '7d' })).to.equal(86400);
    expect(allowedImageRetentions(c)).to.deep.equal(['0', '30m', '24h', 'reviewed']);
    // "Until reviewed" is capped too: an image nobody reviews goes at the cap.
    expect(accountImageRetention(c, { image_retention: 'reviewed' })).to.equal(86400);
  });

  it('ends "until reviewed" at the review, or at the account\'s period when a batch chose it', () => {
    const c = config();
    const image = { status: 'done', created_at: 0, processed_at: 1_000, updated_at: 1_000 };
    expect(imageExpiryRule(c, { ...image, reviewed_at: null }, null, { image_retention: 'reviewed' })).to.deep.equal({ due: null, atReview: false });
    expect(imageExpiryRule(c, { ...image, reviewed_at: 5_000 }, null, { image_retention: 'reviewed' })).to.deep.equal({ due: 5_000, atReview: true });
    expect(imageExpiryRule(c, { ...image, reviewed_at: 5_000 }, { image_retention: 'reviewed' }, { image_retention: '30m' })).to.deep.equal({ due: 5_000, atReview: true });
    expect(imageExpiryRule(c, { ...image, reviewed_at: null }, { image_retention: 'reviewed' }, { image_retention: '30m' })).to.deep.equal({ due: 1_000 + 1_800_000, atReview: false });
    // Reviewed after the period ended: the period was first.
    expect(imageExpiryRule(c, { ...image, reviewed_at: 9_000_000 }, { image_retention: 'reviewed' }, { image_retention: '30m' })).to.deep.equal({ due: 1_000 + 1_800_000, atReview: false });
    // An account without "until reviewed" ignores the review.
    expect(imageExpiryRule(c, { ...image, reviewed_at: 5_000 }, null, { image_retention: '30m' })).to.deep.equal({ due: 1_000 + 1_800_000, atReview: false });
  });

  it('lets a batch shorten the retention but never lengthen it', () => {
    const c = config();
    expect(batchImageRetention(c, { image_retention: '0' }, { image_retention: '24h' })).to.equal(0);
    expect(batchImageRetention(c, { image_retention: '7d' }, { image_retention: '24h' })).to.equal(86400);
  });

  it('applies the same rule to failed, cancelled and refused images', () => {
    const c = config();
    for (const status of ['failed', 'cancelled', 'refused']) {
      expect(computeImageExpiry(c, image(status), null, { image_retention: '0' })).to.equal(t0);
    }
  });

  it('expires an image that never finished 7 days after upload, even with "forever"', () => {
    const c = config();
    for (const status of ['queued', 'processing']) {
      expect(computeImageExpiry(c, image(status, null), null, { image_retention: 'forever' })).to.equal(t0 - 60_000 + UNPROCESSED_IMAGE_LIMIT_MS);
    }
  });

  it('keeps a finished image until deleted when the account chose forever and no cap is set', () => {
    expect(computeImageExpiry(config(), image('done'), null, { image_retention: 'forever' })).to.equal(null);
  });
});
