import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A person the test identity provider knows, by the login typed on its sign-in form. */
export interface IdpAccount {
  email: string;
  emailVerified: boolean;
  name?: string;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Lets the provider send browsers back to this address (known once the app listens). */
  allowRedirect(uri: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1, with its development sign-in and
 * consent pages: any login in `accounts` signs in with any password. PKCE is required, as it is of
 * every client by default. The port is taken first, since the app needs the issuer before it can
 * tell the provider its own address.
 */
export async function startIdentityProvider(accounts: Record<string, IdpAccount>): Promise<TestIdentityProvider> {
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end('not ready');
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'sightline-test';
  const clientSecret = 'a client secret long enough for HS256 signing 0123456789';
  // ESM-only; this CommonJS build's import() becomes require(), which Node 20.20 can do.
  const { Provider } = await import('oidc-provider');
  return {
    issuer,
    clientId,
    clientSecret,
    async allowRedirect(uri: string) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [uri], grant_types: ['authorization_code'], response_types: ['code'] }],
        async findAccount(_ctx: unknown, id: string) {
          const account = accounts[id];
          if (!account) return undefined;
          return {
            accountId: id,
            claims: async () => ({ sub: id, email: account.email, email_verified: account.emailVerified, name: account.name ?? id }),
          };
        },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        features: { devInteractions: { enabled: true } },
        cookies: { keys: ['test identity provider cookie key'] },
      });
      handler = provider.callback();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A minimal cookie jar per host, for driving the flow over real HTTP without a browser. */
export class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  header(url: string): string {
    const jar = this.jars.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  take(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie) || value === '') jar.delete(pair!.slice(0, eq));
      else jar.set(pair!.slice(0, eq), value);
    }
    this.jars.set(host, jar);
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.header(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.take(url, res);
    return res;
  }
}

/**
 * Follows redirects and fills the provider's development forms (login, then consent) as a browser
 * would, from `start` until an answer that is neither a redirect nor one of those forms.
 */
export async function walkSignOn(jar: CookieJar, start: string, login: string): Promise<{ url: string; res: Response; body: string }> {
  let url = start;
  let res = await jar.fetch(url);
  for (let hops = 0; hops < 20; hops += 1) {
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).href;
      await res.arrayBuffer();
      res = await jar.fetch(url);
      continue;
    }
    const body = await res.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*method="post">\s*<input type="hidden" name="prompt" value="(login|consent)"/.exec(body);
    if (!form) return { url, res, body };
    const fields = new URLSearchParams({ prompt: form[2]! });
    if (form[2] === 'login') {
      fields.set('login', login);
      fields.set('password', 'anything');
    }
    url = new URL(form[1]!, url).href;
    res = await jar.fetch(url, { method: 'POST', body: fields });
  }
  throw new Error('too many redirects in the sign-on flow');
}
