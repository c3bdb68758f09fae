import 'express-session';
import type { FlashMessage } from '../middleware/flash';

declare global {
  namespace Express {
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
  }
}

export {};
