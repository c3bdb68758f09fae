import crypto from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { SessionData, Store } from 'express-session';
import { sign, sessionIdReader } from './signed-cookie';

export interface SessionCookieOptions {
  name: string;
  secret: string;
  secure: boolean;
  /** How long the browser keeps the cookie; the server enforces the real lifetimes from the row. */
  maxAgeMs: number;
  store: Store;
}

type Data = Record<string, unknown>;

/**
 * `req.session`: the stored data as own properties, plus the methods passport uses. Its state
 * lives in private fields, which JSON.stringify leaves out.
 */
class WebSession {
  readonly #state: SessionState;
  constructor(state: SessionState, data: Data) {
    this.#state = state;
    Object.assign(this, data);
  }
  get id(): string {
    return this.#state.sid;
  }
  regenerate(done: (err?: unknown) => void): void {
    this.#state.regenerate(done);
  }
  save(done?: (err?: unknown) => void): void {
    this.#state.save(done ?? (() => {}));
  }
  destroy(done?: (err?: unknown) => void): void {
    this.#state.destroy(done ?? (() => {}));
  }
}

/** One request's session: what was loaded, what was saved, and the cookie the browser sent. */
class SessionState {
  sid: string;
  /** The data as loaded (or '{}' when new), and as last saved: JSON, compared to what it is now. */
  loaded: string;
  saved: string;
  constructor(
    private readonly req: Request,
    private readonly options: SessionCookieOptions,
    readonly sentSid: string | undefined,
    loaded: { sid: string; data: Data } | undefined,
  ) {
    this.sid = loaded?.sid ?? crypto.randomBytes(24).toString('base64url');
    this.loaded = JSON.stringify(loaded?.data ?? {});
    this.saved = this.loaded;
    this.attach(loaded?.data ?? {});
  }

  private attach(data: Data): void {
    this.req.sessionID = this.sid;
    this.req.session = new WebSession(this, data) as unknown as Request['session'];
  }

  current(): string {
    return JSON.stringify(this.req.session ?? {});
  }

  /** Changed since it was loaded or last saved; a new, still empty session is not worth a row. */
  unsaved(): boolean {
    return this.req.session !== undefined && this.current() !== this.saved;
  }

  save(done: (err?: unknown) => void): void {
    const json = this.current();
    // The store serializes what it is given; methods and private state are left out of JSON.
    this.options.store.set(this.sid, this.req.session as unknown as SessionData, (err?: unknown) => {
      if (!err) this.saved = json;
      done(err);
    });
  }

  regenerate(done: (err?: unknown) => void): void {
    this.options.store.destroy(this.sid, (err?: unknown) => {
      this.sid = crypto.randomBytes(24).toString('base64url');
      this.loaded = '{}';
      this.saved = '{}';
      this.attach({});
      done(err);
    });
  }

  destroy(done: (err?: unknown) => void): void {
    this.options.store.destroy(this.sid, (err?: unknown) => {
      this.req.session = undefined as unknown as Request['session'];
      done(err);
    });
  }

  /** A new session id once it holds something, or a change since it was loaded: the browser gets the cookie again. */
  cookieToSend(): string | undefined {
    if (!this.req.session) return undefined;
    const now = this.current();
    if (this.sid !== this.sentSid ? now === '{}' : now === this.loaded) return undefined;
    const { name, secret, secure, maxAgeMs } = this.options;
    const expires = new Date(Date.now() + maxAgeMs).toUTCString();
    return `${name}=${encodeURIComponent(sign(this.sid, secret))}; Path=/; Expires=${expires}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Lax`;
  }
}

/**
 * Database-backed sessions in express-session's cookie format, doing only what Sightline uses:
 * load by signed cookie, save at the end of the response when changed (the response waits for the
 * save, so the browser's next request sees it), regenerate at login and logout, and set the cookie
 * only when the session is new or changed. Every page runs this, so it avoids express-session's
 * per-request hashing and objects.
 */
export function sessionCookie(options: SessionCookieOptions): RequestHandler {
  const sidFrom = sessionIdReader(options.name, options.secret);
  return (req, res, next) => {
    const sentSid = sidFrom(req.headers);
    const start = (loaded?: { sid: string; data: Data }) => {
      const state = new SessionState(req, options, sentSid, loaded);
      hookResponse(res, state, next);
      next();
    };
    if (!sentSid) return start();
    options.store.get(sentSid, (err: unknown, data?: SessionData | null) => {
      if (err) return next(err);
      start(data ? { sid: sentSid, data: data as unknown as Data } : undefined);
    });
  };
}

function hookResponse(res: ServerResponse, state: SessionState, next: (err?: unknown) => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    const cookie = state.cookieToSend();
    if (cookie) this.appendHeader('Set-Cookie', cookie);
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
  const end = res.end;
  let saveFailed = false;
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if (saveFailed || !state.unsaved()) return end.apply(this, args as Parameters<ServerResponse['end']>);
    state.save((err) => {
      if (!err) {
        end.apply(this, args as Parameters<ServerResponse['end']>);
        return;
      }
      // What the request did to the session is lost, so it must not look like it worked: the
      // error page replaces the response, and nothing tries to save this session again.
      saveFailed = true;
      next(err);
    });
    return this;
  } as ServerResponse['end'];
}
