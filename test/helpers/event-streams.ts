import http from 'node:http';

/** A live-progress stream opened over real HTTP, as a browser's EventSource would. */
export interface OpenedStream {
  status: number;
  contentType: string;
  /** Everything received so far. */
  body(): string;
  /** Resolves when the connection closes, whoever closed it. */
  ended: Promise<void>;
  /** Drops the connection, as a closed tab does. */
  close(): void;
}

/**
 * GETs `path` with `text/event-stream`; resolves once a 200 answer's first event has arrived, or a
 * refusal (any other status) has been read to its end.
 */
export function openEventStream(baseUrl: string, path: string, cookie: string): Promise<OpenedStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, { headers: { cookie, accept: 'text/event-stream' }, agent: false }, (res) => {
      let body = '';
      const stream: OpenedStream = {
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        body: () => body,
        ended: new Promise((done) => res.once('close', done)),
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.includes('\nevent: progress\n') || body.startsWith('event: progress\n')) resolve(stream);
      });
      res.on('end', () => resolve(stream));
      res.on('error', () => undefined);
    });
    req.on('error', reject);
  });
}

/** The `progress` events of a stream's text, parsed. */
export function progressEvents(text: string): { complete: boolean; counts: Record<string, number> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: progress'))
    .map((block) => JSON.parse(block.split('\ndata: ')[1]));
}
