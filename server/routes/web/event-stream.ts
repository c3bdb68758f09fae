import type { Response } from 'express';

/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  /** Sends one event; the first also sends the headers. Does nothing once the stream ended or the client left. */
  send(event: string, data: unknown): void;
  /** Ends the stream (a 503 if it never started); does nothing if it already ended or the client left. */
  end(): void;
  /** Calls `listener` once the connection closes (finished or abandoned), or now if it already has. */
  onClose(listener: () => void): void;
}

/**
 * Server-sent events on one response. The headers wait for the first event, so a failure before it
 * (404) is still answered with its status. Every write first checks that the response is open: the
 * client may leave at any moment, and Node raises an `error` on a response written after its end.
 */
export function eventStream(res: Response, retryMs = 3_000): EventStream {
  let heartbeat: NodeJS.Timeout | undefined;
  const open = () => !res.writableEnded && !res.destroyed;
  return {
    send(event, data) {
      if (!open()) return;
      if (!res.headersSent) {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
        res.write(`retry: ${retryMs}\n\n`);
        heartbeat = setInterval(() => open() && res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      }
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      clearInterval(heartbeat);
      if (!open()) return;
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
      res.end();
    },
    onClose(listener) {
      // A client can leave while the session is still being read, before the route runs at all.
      if (res.closed) listener();
      else res.once('close', listener);
    },
  };
}
