import pino, { Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Anything that could carry a secret or an image is redacted by path,
 * and request bodies are never logged in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          'password',
          '*.password',
          'token',
          '*.token',
          'apiKey',
          '*.apiKey',
        ],
        censor: '[redacted]',
      },
    },
    // Asynchronous, batched writes to stdout: a log line never blocks a request, and a busy server
    // makes one write per ~4 KB of lines instead of one per line. Quiet periods flush every second;
    // shutdown flushes the rest.
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 }),
  );
}
