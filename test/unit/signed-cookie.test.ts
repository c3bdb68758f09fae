import { expect } from 'chai';
import { sign, sessionIdReader } from '../../server/auth/signed-cookie';

const NAME = 'sightline.sid';
const cookie = (value: string) => ({ cookie: `theme=dark; ${NAME}=${encodeURIComponent(value)}; other=1` });

describe('sessionIdReader', () => {
  it('returns the session id of a genuine cookie, every time it is sent', () => {
    const read = sessionIdReader(NAME, 'secret one');
    const value = sign('abc123', 'secret one');
    expect(read(cookie(value))).to.equal('abc123');
    expect(read(cookie(value))).to.equal('abc123');
  });

  it('refuses a forged signature even for a session id it has already seen genuine', () => {
    const read = sessionIdReader(NAME, 'secret one');
    const genuine = sign('abc123', 'secret one');
    expect(read(cookie(genuine))).to.equal('abc123');
    const flipped = genuine.slice(0, -1) + (genuine.endsWith('A') ? 'B' : 'A');
    expect(read(cookie(flipped))).to.equal(undefined);
    expect(read(cookie(`${genuine}x`))).to.equal(undefined);
    expect(read(cookie('s:abc123'))).to.equal(undefined);
    expect(read(cookie('abc123'))).to.equal(undefined);
  });

  it('does not share what it remembers with a reader holding another secret', () => {
    const value = sign('abc123', 'secret one');
    expect(sessionIdReader(NAME, 'secret one')(cookie(value))).to.equal('abc123');
    expect(sessionIdReader(NAME, 'secret two')(cookie(value))).to.equal(undefined);
  });

  it('reads only its own cookie name, and nothing from a missing or undecodable header', () => {
    const read = sessionIdReader(NAME, 'secret one');
    expect(read({ cookie: `other.sid=${encodeURIComponent(sign('abc123', 'secret one'))}` })).to.equal(undefined);
    expect(read({})).to.equal(undefined);
    expect(read({ cookie: `${NAME}=%E0%A4%A` })).to.equal(undefined);
  });

  it('keeps verifying correctly once more cookies have been seen than it remembers', () => {
    const read = sessionIdReader(NAME, 'secret one');
    const first = sign('first', 'secret one');
    expect(read(cookie(first))).to.equal('first');
    for (let i = 0; i < 10_050; i += 1) expect(read(cookie(sign(`sid${i}`, 'secret one')))).to.equal(`sid${i}`);
    expect(read(cookie(first))).to.equal('first');
    expect(read(cookie(first.slice(0, -2)))).to.equal(undefined);
  });
});
