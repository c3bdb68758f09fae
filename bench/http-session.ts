/** Signs in through the real login form with fetch; returns the session cookie and its CSRF token. */
export async function formSession(baseUrl: string, credentials?: { email: string; password: string }): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${baseUrl}/login`);
  let cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on /login');
  if (!credentials) return { cookie, csrf };
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, ...credentials }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const home = await fetch(`${baseUrl}/`, { headers: { cookie } });
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(await home.text())?.[1];
  if (home.status !== 200 || !token) throw new Error(`dashboard did not open: ${home.status}`);
  return { cookie, csrf: token };
}
