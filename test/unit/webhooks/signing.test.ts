import { expect } from 'chai';
import { sign, verify, signedHeaders } from '../../../server/webhooks/signing';
import { verificationSnippet } from '../../../server/api-docs/snippets';

describe('Standard Webhooks signing', () => {
  // The example from the Standard Webhooks specification's reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('matches the specification\'s published signature', () => {
    expect(sign(secret, id, timestamp, body)).to.equal('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies its own headers and refuses a tampered body, id or timestamp', () => {
    const headers = signedHeaders(secret, id, timestamp, body);
    expect(verify(secret, headers, body, timestamp)).to.equal(true);
    expect(verify(secret, headers, body.replace('2', '3'), timestamp)).to.equal(false);
    expect(verify(secret, { ...headers, 'webhook-id': 'msg_other' }, body, timestamp)).to.equal(false);
    expect(verify(secret, { ...headers, 'webhook-timestamp': String(timestamp + 1) }, body, timestamp)).to.equal(false);
  });

  it('refuses a timestamp more than five minutes away, and a malformed signature without throwing', () => {
    const headers = signedHeaders(secret, id, timestamp, body);
    expect(verify(secret, headers, body, timestamp + 301)).to.equal(false);
    expect(verify(secret, { ...headers, 'webhook-signature': 'v1,short' }, body, timestamp)).to.equal(false);
  });

  it('accepts any of several space-separated signatures, as during a secret rotation', () => {
    const headers = signedHeaders(secret, id, timestamp, body);
    headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}`;
    expect(verify(secret, headers, body, timestamp)).to.equal(true);
  });

  it('the verification snippet in the README and on /docs/api accepts our signatures and refuses tampering', () => {
    type Check = (secret: string, headers: Record<string, string>, body: string) => boolean;
    const check = new Function('require', `${verificationSnippet}\nreturn verifySightlineWebhook;`)(require) as Check;
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(secret, id, now, body);
    expect(check(secret, headers, body)).to.equal(true);
    expect(check(secret, headers, `${body} `)).to.equal(false);
    expect(check(secret, signedHeaders(secret, id, now - 600, body), body)).to.equal(false);
  });
});
