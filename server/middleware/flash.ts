import type { Request } from 'express';

export type FlashType = 'success' | 'error' | 'info';

export interface FlashMessage {
  type: FlashType;
  message: string;
}

/** Queues a message for the next page the user sees; the layout shows and clears it. */
export function flash(req: Request, type: FlashType, message: string): void {
  if (!req.session) return;
  req.session.flash = [...(req.session.flash ?? []), { type, message }];
}

/** Returns and clears the queued messages; touches the session only when there were some. */
export function takeFlashes(req: Request): FlashMessage[] {
  const messages = req.session?.flash;
  if (!messages || messages.length === 0) return [];
  delete req.session.flash;
  return messages;
}
