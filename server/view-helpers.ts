/** Epoch milliseconds as "2026-11-22 17:45 UTC": unambiguous for a team in several time zones. */
export function formatTime(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return `${new Date(Number(ms)).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
