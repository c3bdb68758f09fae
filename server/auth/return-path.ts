/** Any origin will do: it is only there to tell a path on this site from an address elsewhere. */
const HERE = 'http://sightline.invalid';
const MAX_LENGTH = 2000;

/**
 * The page to return to after signing in, when `value` is a path on this site; otherwise undefined.
 * Browsers read `//host`, `/\host` and paths with tabs or newlines as other sites, so only a plain
 * path that still names this origin once parsed is kept (`next=//evil.example` must not be an open
 * redirect). The answer is rebuilt from the parsed URL, so what is redirected to is what was checked.
 */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return undefined;
  }
  if (url.origin !== HERE) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? undefined : path;
}

/** The sign-in page, asked to return to `path` afterwards (the dashboard needs no asking). */
export function loginPathFor(path: string): string {
  const next = safeReturnPath(path);
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
