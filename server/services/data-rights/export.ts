import { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Deps } from '../../deps';
import {
  exportAccountRow,
  exportAuditLog,
  exportBatches,
  exportResults,
  exportResultVersions,
  exportSettingsRow,
  exportApprovals,
  exportComparisonResults,
  exportComparisonVotes,
  exportTranslations,
  exportWordPressMedia,
  exportWordPressSites,
  exportWordPressWrites,
} from '../../db/account-export';
import { receiptsForUser } from '../../db/receipts';
import { signInFactorsForExport } from '../../db/two-factor';
import { toCsv } from '../exports/csv';

export interface AccountExport {
  filename: string;
  stream: Readable;
}

const README = `Your Sightline data

account.json       your account
settings.json      your privacy settings
batches.*          your batches and the options they were described with
results.*          one row per image: its details and the generated text (no image bytes)
result-versions.*  every version of each result: generated, edited by you, or restored, with when and how
receipts.*         deletion receipts: SHA-256 of each working copy, when it arrived, was processed and was deleted, and why
audit-log.*        security events on your account
sign-in.*          your sign-in factors: authenticator app, recovery codes, remembered browsers, passkeys
                   (names and times only: no secret, code or key)
translations.*     results written again in more languages
approvals.*        in a team workspace: who submitted, approved or sent back each image's text, and why
wordpress-*        connected WordPress sites (never the Application Password), what their scans read,
                   and every write Sightline made to them
comparison-*       describer comparisons run on your images: each describer's text, time, tokens and
                   cost, and reviewers' blind votes
Times are milliseconds since 1970-01-01 UTC; the *_iso columns give the same instants in ISO 8601.
`;

/** Adds an ISO copy of every epoch-ms *_at column, so a spreadsheet shows readable times. */
function withIsoTimes(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const [key, value] of Object.entries(row)) {
    if (key.endsWith('_at')) out[`${key}_iso`] = typeof value === 'number' ? new Date(value).toISOString() : null;
  }
  return out;
}

/**
 * The account's data as a zip of JSON and CSV files, built from owner-scoped queries only.
 * It holds text and metadata, never image bytes.
 */
export async function exportAccount(deps: Deps, userId: number): Promise<AccountExport> {
  const account = await exportAccountRow(deps.db, userId);
  if (!account) throw new Error(`no user ${userId}`);
  const settings = (await exportSettingsRow(deps.db, userId)) ?? {};
  const tables: Record<string, Record<string, unknown>[]> = {
    batches: (await exportBatches(deps.db, userId)).map(withIsoTimes),
    results: (await exportResults(deps.db, userId)).map(withIsoTimes),
    'result-versions': (await exportResultVersions(deps.db, userId)).map(withIsoTimes),
    receipts: (await receiptsForUser(deps.db, userId)).map(({ user_id: _owner, ...r }) => withIsoTimes(r)),
    'audit-log': (await exportAuditLog(deps.db, userId)).map(withIsoTimes),
    'sign-in': (await signInFactorsForExport(deps.db, userId)).map(withIsoTimes),
    translations: (await exportTranslations(deps.db, userId)).map(withIsoTimes),
    approvals: (await exportApprovals(deps.db, userId)).map(withIsoTimes),
    'wordpress-sites': (await exportWordPressSites(deps.db, userId)).map(withIsoTimes),
    'wordpress-media': (await exportWordPressMedia(deps.db, userId)).map(withIsoTimes),
    'wordpress-writes': (await exportWordPressWrites(deps.db, userId)).map(withIsoTimes),
    'comparison-results': (await exportComparisonResults(deps.db, userId)).map(withIsoTimes),
    'comparison-votes': (await exportComparisonVotes(deps.db, userId)).map(withIsoTimes),
  };
  const now = deps.clock.now();
  const zip = new yazl.ZipFile();
  const add = (name: string, text: string) => zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime: now, mode: 0o100600 });
  add('README.txt', README);
  add('account.json', JSON.stringify(withIsoTimes(account), null, 2));
  add('settings.json', JSON.stringify(withIsoTimes(settings), null, 2));
  for (const [name, rows] of Object.entries(tables)) {
    add(`${name}.json`, JSON.stringify(rows, null, 2));
    const columns = Object.keys(rows[0] ?? {});
    add(`${name}.csv`, toCsv(columns, rows.map((row) => columns.map((column) => row[column]))));
  }
  zip.end();
  const stamp = now.toISOString().slice(0, 10);
  return { filename: `sightline-export-${stamp}.zip`, stream: zip.outputStream as Readable };
}
