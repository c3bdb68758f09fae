import { z } from 'zod';
import type { Deps } from '../../deps';
import { findUserPrivacy, setBatchPrivacy, updateUserPrivacy } from '../../db/privacy-settings';
import { batchBelongsTo } from '../../db/retention';
import { formatDuration, parseDuration } from '../../durations';
import { accountImageRetention, allowedImageRetentions, TEXT_RETENTION_CHOICES, UNTIL_REVIEWED } from './policy';
import { expireImageBlobs } from './expire-blobs';

export interface RetentionOption {
  value: string;
  label: string;
}

export interface PrivacySettingsView {
  imageRetention: string;
  imageRetentionLabel: string;
  imageRetentionOptions: RetentionOption[];
  textRetention: string;
  textRetentionOptions: RetentionOption[];
  capLabel: string | null;
}

function imageOption(value: string): RetentionOption {
  if (value === UNTIL_REVIEWED) return { value, label: 'Until each image is marked reviewed' };
  const seconds = parseDuration(value) ?? null;
  return { value, label: seconds === 0 ? 'Delete immediately after processing' : seconds === null ? 'Keep until I delete them' : `${formatDuration(seconds)} after processing` };
}

export function textRetentionOptions(): RetentionOption[] {
  return TEXT_RETENTION_CHOICES.map((days) => ({
    value: days === null ? 'forever' : String(days),
    label: days === null ? 'Keep until I delete it' : `${days} days`,
  }));
}

/** The account's current choices and what it may choose, for the settings page. */
export async function privacySettingsFor(deps: Deps, userId: number): Promise<PrivacySettingsView> {
  const user = await findUserPrivacy(deps.db, userId);
  if (!user) throw new Error(`no user ${userId}`);
  const effective = accountImageRetention(deps.config, user);
  const allowed = allowedImageRetentions(deps.config);
  const current = user.image_retention === UNTIL_REVIEWED ? UNTIL_REVIEWED : (allowed.find((choice) => choice !== UNTIL_REVIEWED && (parseDuration(choice) ?? null) === effective) ?? allowed[0]);
  return {
    imageRetention: current,
    imageRetentionLabel: imageOption(current).label,
    imageRetentionOptions: allowed.map(imageOption),
    textRetention: user.text_retention_days === null ? 'forever' : String(user.text_retention_days),
    textRetentionOptions: textRetentionOptions(),
    capLabel: deps.config.maxImageRetention === null ? null : formatDuration(deps.config.maxImageRetention),
  };
}

export type SettingsResult = { ok: true } | { ok: false; errors: Record<string, string> };

/**
 * Saves the account's retention choices and applies them at once: a shorter image retention deletes
 * working copies that are now overdue before this returns.
 */
export async function updatePrivacySettings(deps: Deps, userId: number, input: unknown): Promise<SettingsResult> {
  const schema = z.object({
    image_retention: z.enum(allowedImageRetentions(deps.config) as [string, ...string[]], { message: 'Choose one of the offered retention periods.' }),
    text_retention: z.enum(textRetentionOptions().map((o) => o.value) as [string, ...string[]], { message: 'Choose one of the offered periods.' }),
  });
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] = issue.message;
    return { ok: false, errors };
  }
  const now = deps.clock.now().getTime();
  await updateUserPrivacy(
    deps.db,
    userId,
    {
      image_retention: parsed.data.image_retention,
      text_retention_days: parsed.data.text_retention === 'forever' ? null : Number(parsed.data.text_retention),
    },
    now,
  );
  await expireImageBlobs(deps, { userId });
  return { ok: true };
}

/** The batch override choices for the upload form: the account setting, or anything shorter. */
export async function uploadRetentionChoices(deps: Deps, userId: number): Promise<RetentionOption[]> {
  const user = await findUserPrivacy(deps.db, userId);
  if (!user) return [];
  const account = accountImageRetention(deps.config, user);
  const shorter = allowedImageRetentions(deps.config).filter((choice) => {
    if (choice === UNTIL_REVIEWED) return user.image_retention !== UNTIL_REVIEWED;
    const seconds = parseDuration(choice) ?? null;
    return seconds !== null && (account === null || seconds < account);
  });
  const accountLabel = user.image_retention === UNTIL_REVIEWED ? 'until reviewed' : formatDuration(account);
  return [{ value: 'account', label: `My account setting (${accountLabel})` }, ...shorter.map((choice) =>
    // On a batch, "until reviewed" can only shorten: the account's period still ends it.
    choice === UNTIL_REVIEWED ? { value: choice, label: `Until each image is marked reviewed (at most ${formatDuration(account)})` } : imageOption(choice))];
}

/**
 * Stores a batch's retention override. Only the offered values are taken; the rules apply the
 * shorter of batch and account anyway, so an override can never lengthen retention.
 */
export async function applyBatchRetention(deps: Deps, userId: number, batchId: string, value: unknown): Promise<void> {
  const choice = batchRetentionChoice(deps, value);
  if (!choice) return;
  if (!(await batchBelongsTo(deps.db, userId, batchId))) return;
  await setBatchPrivacy(deps.db, batchId, { image_retention: choice });
}

/** The upload form's "Keep these images" value when it names a retention of its own; undefined for the account's. */
export function batchRetentionChoice(deps: Pick<Deps, 'config'>, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value === 'account') return undefined;
  return (allowedImageRetentions(deps.config) as string[]).includes(value) ? value : undefined;
}
