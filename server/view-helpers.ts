import { atLeast, type WorkspaceRole } from './workspaces/roles';
import type { WorkspaceContext } from './workspaces/context';
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * Epoch milliseconds as "2026-11-22 17:45 UTC": unambiguous for a team in several time zones.
 * Built from the date's fields rather than toISOString(), which takes several times longer and
 * runs for every row of most tables. An unreadable time prints as nothing.
 */
export function formatTime(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const date = new Date(Number(ms));
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) return '';
  // Years before 0 or after 9999 take ISO's extended form, which toISOString() gets right.
  if (year < 0 || year > 9999) return `${date.toISOString().slice(0, -8).replace('T', ' ')} UTC`;
  return (
    `${String(year).padStart(4, '0')}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())} ` +
    `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())} UTC`
  );
}

const STATUS_WORDS: Record<string, string> = {
  queued: 'Waiting to be described',
  processing: 'Being described',
  done: 'Described',
  failed: 'Failed',
  cancelled: 'Cancelled',
  refused: 'Not accepted',
};

/** An image's status in words, as every page shows it (the codes are for the API). */
export function statusLabel(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

/** In views: may the person do what needs `role` in the current workspace (hides what would answer 403). */
export function mayAct(workspace: WorkspaceContext | null | undefined, role: WorkspaceRole): boolean {
  return Boolean(workspace) && atLeast(workspace!.role, role);
}
