import type { Knex } from 'knex';
import type { Deps } from '../../deps';
import { findImageForRetention, setImageExpiry } from '../../db/retention';
import { computeImageExpiry, RetentionBatch, RetentionImage, RetentionUser } from './policy';

/** When this image's working copy must be gone (epoch ms), or null when kept until deleted. */
export function imageExpiry(deps: Pick<Deps, 'config'>, image: RetentionImage, batch: RetentionBatch | null, user: RetentionUser): number | null {
  return computeImageExpiry(deps.config, image, batch, user);
}

/**
 * Recomputes and stores expires_at for one image. Call it wherever an image's status changes
 * (inside the same transaction when there is one). The expiry job recomputes from timestamps too,
 * so a missed call delays nothing; it only keeps the shown date right.
 */
export async function refreshImageExpiry(deps: Pick<Deps, 'config' | 'db'>, imageId: string, trx?: Knex): Promise<number | null> {
  const db = trx ?? deps.db;
  const image = await findImageForRetention(db, imageId);
  if (!image) return null;
  const expiresAt = computeImageExpiry(deps.config, image, image.batch, image.user);
  if (image.blob_key !== null && expiresAt !== image.expires_at) await setImageExpiry(db, imageId, expiresAt);
  return expiresAt;
}
