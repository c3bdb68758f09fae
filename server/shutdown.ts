import type http from 'node:http';

/**
 * Stops accepting connections and waits for in-flight requests to finish. Keep-alive connections
 * are closed as soon as they fall idle (checked every 100 ms: a request in flight now leaves an idle
 * connection behind when it ends); anything still open after `timeoutMs` is cut so shutdown ends.
 */
export function closeServer(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
