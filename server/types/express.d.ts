import 'express-session';
import type { FlashMessage } from '../middleware/flash';
import type { WorkspaceContext } from '../workspaces/context';

declare global {
  namespace Express {
    interface Request {
      /** Set by the request logger; also sent back as X-Request-Id. */
      id: string;
      /** The workspace a signed-in request acts in, with the person's role there (see middleware/workspace). */
      workspace?: WorkspaceContext;
    }

    /** The signed-in user, as `requireUser` guarantees it. */
    interface User {
      id: number;
      email: string;
      name: string;
      role: 'admin' | 'user';
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
    flash?: FlashMessage[];
    /** The session's account while active, loaded with the row by the store; never stored. */
    account?: Express.User;
    /** A password (or single sign-on) that passed, waiting for the second factor; not yet signed in. */
    pendingSignIn?: { userId: number; next?: string; at: number };
    /** The team workspace chosen; absent for the personal workspace. Checked against membership on every request. */
    workspaceId?: number;
    /** Two-factor is required here and this account has none: pages send it to enrol. */
    mustEnrol?: boolean;
    /** The one WebAuthn challenge in flight, with what it is for; taken (deleted) when answered. */
    webauthn?: { challenge: string; purpose: 'register' | 'second-factor' | 'passwordless'; at: number; userHandle?: string };
    /** The single sign-on request in flight: PKCE verifier, state and nonce; taken when answered. */
    oidc?: { codeVerifier: string; state: string; nonce: string; next?: string; at: number };
    /** The WordPress authorisation in flight: the site asked and the state its answer must carry. */
    wordpressConnect?: { siteUrl: string; state: string; at: number };
  }
}

export {};
