import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback server handing out images by path (for image_url), with redirects the test chooses. */
export async function startImageServer(files: Record<string, Buffer>, redirects: Record<string, string> = {}): Promise<{ port: number; url(path: string): string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    if (redirects[path]) return void res.writeHead(302, { location: redirects[path] }).end();
    const body = files[path];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
