import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { safeFetch, checkDestination, type SafeFetchOptions } from '../../../server/net/safe-fetch';
import { parseAllowedHosts } from '../../../server/net/address-policy';
import { OutboundError } from '../../../server/net/outbound-error';
import type { Resolver } from '../../../server/net/guarded-lookup';

/** A loopback server whose answers the test chooses per path; it counts what it receives. */
async function startServer(handler: http.RequestListener): Promise<{ port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function refusal(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OutboundError) return err;
    throw err;
  }
  throw new Error('the request was not refused');
}

describe('safeFetch against real loopback servers', () => {
  let target: Awaited<ReturnType<typeof startServer>>;
  let other: Awaited<ReturnType<typeof startServer>>;
  let base: SafeFetchOptions;

  before(async () => {
    other = await startServer((_req, res) => res.end('secret'));
    target = await startServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/ok') return void res.end('hello');
      if (url === '/to-other') return void res.writeHead(302, { location: `http://127.0.0.1:${other.port}/` }).end();
      if (url === '/to-localhost') return void res.writeHead(301, { location: `http://localhost:${target.port}/ok` }).end();
      if (url === '/to-metadata') return void res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (url === '/hop') return void res.writeHead(302, { location: '/ok' }).end();
      if (url.startsWith('/loop')) return void res.writeHead(302, { location: `/loop${url.length}` }).end();
      if (url === '/big') return void res.end(Buffer.alloc(2048));
      if (url === '/slow') return void setTimeout(() => res.end('late'), 1000);
      if (url === '/see-other') return void res.writeHead(303, { location: '/ok' }).end();
      if (url === '/not-modified') return void res.writeHead(304).end();
      res.writeHead(404).end();
    });
    base = { maxRedirects: 5, maxBytes: 1024, timeoutMs: 2000, allowedHosts: parseAllowedHosts(`127.0.0.1:${target.port}`) };
  });
  after(async () => {
    await target.close();
    await other.close();
  });

  it('reaches a loopback host the admin allowed', async () => {
    const res = await safeFetch(`http://127.0.0.1:${target.port}/ok`, base);
    expect(res.status).to.equal(200);
    expect(res.body.toString()).to.equal('hello');
  });

  it('refuses the same loopback server on a port the admin did not allow', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${other.port}/`, base));
    expect(err.code).to.equal('address_refused');
    expect(other.hits).to.have.length(0);
  });

  it('refuses a redirect from an allowed host to a loopback target', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${target.port}/to-other`, base));
    expect(err.code).to.equal('address_refused');
    expect(other.hits).to.have.length(0);
  });

  it('refuses a redirect to a name that resolves to loopback', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${target.port}/to-localhost`, base));
    expect(err.code).to.equal('address_refused');
  });

  it('refuses a redirect to the metadata address', async () => {
    expect((await refusal(safeFetch(`http://127.0.0.1:${target.port}/to-metadata`, base))).code).to.equal('address_refused');
  });

  it('refuses localhost by name, resolved by the system resolver', async () => {
    const err = await refusal(safeFetch(`http://localhost:${target.port}/ok`, { ...base, allowedHosts: [] }));
    expect(err.code).to.equal('address_refused');
  });

  it('follows a relative redirect and a 303 on the allowed host', async () => {
    expect((await safeFetch(`http://127.0.0.1:${target.port}/hop`, base)).body.toString()).to.equal('hello');
    const res = await safeFetch(`http://127.0.0.1:${target.port}/see-other`, { ...base, method: 'POST', body: 'x' });
    expect(res.body.toString()).to.equal('hello');
  });

  it('stops after five redirects', async () => {
    const before = target.hits.length;
    const err = await refusal(safeFetch(`http://127.0.0.1:${target.port}/loop`, base));
    expect(err.code).to.equal('too_many_redirects');
    expect(target.hits.length - before).to.equal(6);
  });

  it('returns a redirect unfollowed when redirects are off (webhooks)', async () => {
    const res = await safeFetch(`http://127.0.0.1:${target.port}/to-other`, { ...base, maxRedirects: 0 });
    expect(res.status).to.equal(302);
    expect(other.hits).to.have.length(0);
  });

  it('does not follow a 304, which is not a redirect to anywhere', async () => {
    expect((await safeFetch(`http://127.0.0.1:${target.port}/not-modified`, base)).status).to.equal(304);
  });

  it('stops reading past the size cap', async () => {
    expect((await refusal(safeFetch(`http://127.0.0.1:${target.port}/big`, base))).code).to.equal('too_large');
  });

  it('gives up at the time limit', async () => {
    const started = Date.now();
    const err = await refusal(safeFetch(`http://127.0.0.1:${target.port}/slow`, { ...base, timeoutMs: 200 }));
    expect(err.code).to.equal('timeout');
    expect(Date.now() - started).to.be.lessThan(900);
  });

  describe('DNS answers that change between check and connect', () => {
    /** Answers a public address first, loopback afterwards: what a rebinding DNS server does. */
    function rebinding(): { resolve: Resolver; calls: number } {
      const state: { resolve: Resolver; calls: number } = {
        calls: 0,
        resolve: async () => {
          state.calls += 1;
          return state.calls === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
        },
      };
      return state;
    }

    it('passes the early check, then is refused when the socket connects', async () => {
      const dns = rebinding();
      const url = `http://rebind.test:${target.port}/ok`;
      await checkDestination(url, [], dns.resolve);
      const before = target.hits.length;
      const err = await refusal(safeFetch(url, { ...base, allowedHosts: [], resolve: dns.resolve }));
      expect(err.code).to.equal('address_refused');
      expect(dns.calls).to.equal(2);
      expect(target.hits.length).to.equal(before);
    });

    it('refuses an answer that mixes a public and a private address', async () => {
      const resolve: Resolver = async () => [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }];
      const err = await refusal(safeFetch(`http://mixed.test:${target.port}/ok`, { ...base, allowedHosts: [], resolve }));
      expect(err.code).to.equal('address_refused');
    });

    it('refuses an IPv6 answer that maps to loopback', async () => {
      const resolve: Resolver = async () => [{ address: '::ffff:127.0.0.1', family: 6 }];
      const err = await refusal(safeFetch(`http://mapped.test:${target.port}/ok`, { ...base, allowedHosts: [], resolve }));
      expect(err.code).to.equal('address_refused');
    });

    it('tells the user at save time when a name resolves to a private address', async () => {
      const resolve: Resolver = async () => [{ address: '10.1.2.3', family: 4 }];
      const err = await refusal(checkDestination('https://intranet.test/hook', [], resolve));
      expect(err.code).to.equal('address_refused');
    });
  });
});
