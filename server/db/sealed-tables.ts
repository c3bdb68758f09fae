import { DESCRIPTION_TEXT, VERSION_TEXT } from './text-codec';

/**
 * Every table whose text is sealed under its account's key on PostgreSQL (text-codec.ts): sealing
 * old rows at boot (text-shredding.ts) and re-sealing after a rotation (text-key-rotation.ts) walk
 * this list, so a column added here is covered by both. Each table has `user_id` and `key_generation`.
 */
export interface SealedTable {
  table: string;
  /** The primary key, for conditional updates. */
  id: string;
  columns: readonly string[];
  /** The row carries search tokens over its text (descriptions). */
  searchable?: boolean;
}

export const BATCH_TEXT = ['options_json'] as const;
export const IMAGE_TEXT = ['embedded_json'] as const;
export const DELIVERY_TEXT = ['payload_json'] as const;
export const ANSWER_TEXT = ['response_json'] as const;
export const APPROVAL_TEXT = ['comment'] as const;
export const TRANSLATION_TEXT = ['alt_text', 'caption', 'title', 'description'] as const;
/** Alt text, captions and titles copied from a WordPress site, and Sightline's text written to it. */
export const WORDPRESS_MEDIA_TEXT = ['alt_text', 'caption', 'title'] as const;
export const WORDPRESS_WRITE_TEXT = ['old_value', 'new_value', 'current_value'] as const;
/** What each describer wrote for an image in a comparison run. */
export const COMPARISON_TEXT = ['alt_text', 'description'] as const;

export const SEALED_TABLES: readonly SealedTable[] = [
  { table: 'descriptions', id: 'image_id', columns: DESCRIPTION_TEXT, searchable: true },
  { table: 'description_versions', id: 'id', columns: VERSION_TEXT },
  { table: 'batches', id: 'id', columns: BATCH_TEXT },
  { table: 'images', id: 'id', columns: IMAGE_TEXT },
  { table: 'webhook_deliveries', id: 'id', columns: DELIVERY_TEXT },
  { table: 'idempotency_keys', id: 'id', columns: ANSWER_TEXT },
  { table: 'approval_events', id: 'id', columns: APPROVAL_TEXT },
  { table: 'translations', id: 'id', columns: TRANSLATION_TEXT },
  { table: 'wordpress_media', id: 'id', columns: WORDPRESS_MEDIA_TEXT },
  { table: 'wordpress_writes', id: 'id', columns: WORDPRESS_WRITE_TEXT },
  { table: 'comparison_results', id: 'id', columns: COMPARISON_TEXT },
];
