import 'express-session';
import type { FlashMessage } from '../middleware/flash';

declare global {
  namespace Express {
    interface Request {
      /** Set by the request logger; also sent back as X-Request-Id. */
      id: string;
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
  }
}

export {};
