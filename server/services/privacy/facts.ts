import type { Deps } from '../../deps';
import { formatDuration } from '../../durations';
import { allowedImageRetentions, UNPROCESSED_IMAGE_LIMIT_MS, UNTIL_REVIEWED } from '../retention/policy';
import { textRetentionOptions } from '../retention/settings';
import { DELETION_GRACE_MS } from '../data-rights/account-deletion';
import { parseDuration } from '../../durations';
import type { Destination } from '../../describers/types';
import { instancePrivacy } from './instance';
import { listDescriberConfigs } from '../../db/describer-configs';

/**
 * The bound stated for PostgreSQL: the hourly rotate-text-keys job replaces the key of an account that
 * deleted text; a day leaves room for failed runs and long re-encryptions.
 */
const KEY_ROTATION_BOUND_S = 24 * 3600;

/** What the public privacy page states, read from the running configuration, never hard-coded. */
export interface PrivacyFacts {
  defaultImageRetention: string;
  maxImageRetention: string | null;
  imageRetentionChoices: string[];
  unprocessedLimit: string;
  textRetentionChoices: string[];
  deletionGrace: string;
  /** SQLite overwrites deleted rows (secure_delete); PostgreSQL leaves old row versions in its files and WAL. */
  deletedTextOverwritten: boolean;
  /** Where working copies are kept: this server's disk, or an S3-compatible store (its host). */
  imageStore: { kind: 'local' } | { kind: 's3'; where: string };
  /** PostgreSQL: how long deleted text stays readable there, sealed under a key that rotate-text-keys replaces. */
  deletedTextUnreadableWithin: string;
  destination: Destination;
  describerName: string;
  /** Hosts of the describers an admin configured for comparisons: sample images go there when a run starts. */
  comparisonHosts: string[];
  zeroRetentionOnly: boolean;
  publicDescribePage: boolean;
  sessionCookie: string;
  sessionIdle: string;
  sessionAbsolute: string;
}

export async function privacyFacts(deps: Deps): Promise<PrivacyFacts> {
  const { config } = deps;
  const instance = await instancePrivacy(deps);
  return {
    defaultImageRetention: formatDuration(config.imageRetention),
    maxImageRetention: config.maxImageRetention === null ? null : formatDuration(config.maxImageRetention),
    imageRetentionChoices: allowedImageRetentions(config).map((c) =>
      c === UNTIL_REVIEWED ? `until marked reviewed${config.maxImageRetention === null ? '' : ` (at most ${formatDuration(config.maxImageRetention)})`}` : formatDuration(parseDuration(c) ?? null)),
    unprocessedLimit: formatDuration(UNPROCESSED_IMAGE_LIMIT_MS / 1000),
    textRetentionChoices: textRetentionOptions().map((o) => o.label.toLowerCase()),
    deletionGrace: formatDuration(DELETION_GRACE_MS / 1000),
    deletedTextOverwritten: config.database.client === 'sqlite',
    imageStore: config.blobStore.kind === 's3' ? { kind: 's3', where: config.blobStore.where } : { kind: 'local' },
    deletedTextUnreadableWithin: formatDuration(KEY_ROTATION_BOUND_S),
    destination: deps.describer.destination,
    comparisonHosts: [...new Set((await listDescriberConfigs(deps.db)).map((c) => new URL(c.base_url).host))],
    describerName: config.describer === 'local' ? 'the built-in offline describer' : `an OpenAI-compatible model (${config.openai.model})`,
    zeroRetentionOnly: instance.zeroRetentionOnly,
    publicDescribePage: instance.publicDescribePage,
    // The name the session middleware gives the cookie (server/middleware/web-session.ts).
    sessionCookie: config.https ? '__Host-sightline' : 'sightline.sid',
    sessionIdle: formatDuration(config.sessionIdleMinutes * 60),
    sessionAbsolute: formatDuration(config.sessionAbsoluteHours * 3600),
  };
}
