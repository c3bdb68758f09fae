const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a retention duration: "0" (immediately), "30m", "24h", "7d" or "forever".
 * Returns seconds, null for forever, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | null | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'forever') return null;
  if (value === '0') return 0;
  const match = /^(\d+)([smhd])$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/** The inverse of parseDuration, for settings pages and the privacy page. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'until deleted';
  if (seconds === 0) return 'immediately';
  for (const [unit, label] of [[86400, 'day'], [3600, 'hour'], [60, 'minute']] as const) {
    // One day reads as "24 hours", the way the setting is usually written (IMAGE_RETENTION=24h).
    if (seconds % unit === 0 && !(unit === 86400 && seconds === 86400)) {
      const n = seconds / unit;
      return `${n} ${label}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}
