import { DESCRIPTION_TEXT, NAME_SEARCH, TEXT_SEARCH, VERSION_TEXT, type SearchIndex } from './text-codec';

/**
 * Every table whose text is sealed under its account's key on PostgreSQL (text-codec.ts): sealing
 * old rows at boot (text-shredding.ts) and re-sealing after a rotation (text-key-rotation.ts) walk
 * this list, so a column added here is covered by both. Each table has `user_id` and `key_generation`;
 * rows without an owner (`user_id` null: an event no account is concerned by) are not sealed.
 */
export interface SealedTable {
  table: string;
  /** The primary key (its columns, when it has several), for conditional updates. */
  id: string | readonly string[];
  columns: readonly string[];
  /** The row carries search tokens over its text (descriptions' words, images' file names). */
  search?: SearchIndex;
}

export const BATCH_TEXT = ['options_json'] as const;
/** What the file carried (caption, keywords) and the name it was uploaded under. */
export const IMAGE_TEXT = ['embedded_json', 'original_name'] as const;
/** The file name on a receipt of a deletion by retention (see receipts.ts). */
export const RECEIPT_TEXT = ['original_name'] as const;
export const DELIVERY_TEXT = ['payload_json'] as const;
/** A describe job's options (a "describe again" with instructions, context, keywords, a pattern). */
export const JOB_TEXT = ['payload_json'] as const;
export const ANSWER_TEXT = ['response_json'] as const;
export const APPROVAL_TEXT = ['comment'] as const;
/** A pattern's name, and each version's name, instructions and JSON Schema. */
export const PATTERN_TEXT = ['name'] as const;
export const PATTERN_VERSION_TEXT = ['name', 'instructions', 'schema_json'] as const;
/** An audit event's details (an email address, a workspace's or a passkey's name) and where it came from. */
export const AUDIT_TEXT = ['detail', 'ip', 'user_agent'] as const;
export const TRANSLATION_TEXT = ['alt_text', 'caption', 'title', 'description'] as const;
/** Alt text, captions and titles copied from a WordPress site, and Sightline's text written to it. */
export const WORDPRESS_MEDIA_TEXT = ['alt_text', 'caption', 'title'] as const;
export const WORDPRESS_WRITE_TEXT = ['old_value', 'new_value', 'current_value'] as const;
/** What each describer wrote for an image in a comparison run. */
export const COMPARISON_TEXT = ['alt_text', 'description'] as const;

export const SEALED_TABLES: readonly SealedTable[] = [
  { table: 'descriptions', id: 'image_id', columns: DESCRIPTION_TEXT, search: TEXT_SEARCH },
  { table: 'description_versions', id: 'id', columns: VERSION_TEXT },
  { table: 'batches', id: 'id', columns: BATCH_TEXT },
  { table: 'images', id: 'id', columns: IMAGE_TEXT, search: NAME_SEARCH },
  { table: 'deletion_receipts', id: 'id', columns: RECEIPT_TEXT },
  { table: 'webhook_deliveries', id: 'id', columns: DELIVERY_TEXT },
  { table: 'jobs', id: 'id', columns: JOB_TEXT },
  { table: 'idempotency_keys', id: 'id', columns: ANSWER_TEXT },
  { table: 'approval_events', id: 'id', columns: APPROVAL_TEXT },
  { table: 'audit_events', id: 'id', columns: AUDIT_TEXT },
  { table: 'patterns', id: 'id', columns: PATTERN_TEXT },
  { table: 'pattern_versions', id: ['pattern_id', 'version'], columns: PATTERN_VERSION_TEXT },
  { table: 'translations', id: 'id', columns: TRANSLATION_TEXT },
  { table: 'wordpress_media', id: 'id', columns: WORDPRESS_MEDIA_TEXT },
  { table: 'wordpress_writes', id: 'id', columns: WORDPRESS_WRITE_TEXT },
  { table: 'comparison_results', id: 'id', columns: COMPARISON_TEXT },
];

/** The row's primary key, as a where clause. */
export function rowKey(table: SealedTable, row: Record<string, unknown>): Record<string, unknown> {
  const columns = typeof table.id === 'string' ? [table.id] : table.id;
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}
