import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { DEFAULT_PASSWORD, signUp } from '../../helpers/session';
import { unzipEntries } from '../../helpers/unzip';
import { codeStep, enrolTotp, passwordStep } from '../../helpers/two-factor';
import { insertPasskey } from '../../../server/db/passkeys';

const SIGN_IN_TABLES = ['totp_secrets', 'recovery_codes', 'remembered_browsers', 'passkeys'];

describe('sign-in factors in the account export and deletion', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
  });
  afterEach(async () => t.close());

  /** An account with every kind of factor: app, recovery codes (one used), a remembered browser, a passkey. */
  async function withEveryFactor() {
    const person = await signUp(t.app);
    const { secret, recoveryCodes } = await enrolTotp(person.agent, person.csrf, t.clock);
    const other = await passwordStep(t.app, person.user.email);
    await codeStep(other.agent, recoveryCodes[0]!, 303, { remember: true });
    await insertPasskey(t.deps.db, {
      id: 'credential-id-marker',
      user_id: person.user.id,
      webauthn_user_id: 'handle-marker',
      name: 'Desk key',
      public_key: 'public-key-marker',
      counter: 0,
      transports: 'usb',
      created_at: t.clock.now().getTime(),
    });
    return { ...person, secret, recoveryCodes, other };
  }

  it('exports each factor by kind, name and time, with no secret, code, hash or key', async () => {
    const person = await withEveryFactor();
    const res = await person.agent.get('/account/export').responseType('blob').expect(200);
    const entries = unzipEntries(res.body as Buffer);
    const rows = JSON.parse(entries.get('sign-in.json')!.toString()) as { kind: string; name: string; used_at: number | null }[];
    expect(rows.map((r) => r.kind).sort()).to.deep.equal([
      'authenticator app',
      'passkey',
      ...Array(10).fill('recovery code'),
      'remembered browser',
    ].sort());
    expect(rows.filter((r) => r.kind === 'recovery code' && r.used_at !== null)).to.have.length(1);
    expect(rows.find((r) => r.kind === 'passkey')!.name).to.equal('Desk key');
    const everything = [...entries.values()].map((b) => b.toString('latin1')).join('\n');
    const stored = await t.deps.db('recovery_codes').where({ user_id: person.user.id }).select('code_hash');
    const totpRow = await t.deps.db('totp_secrets').where({ user_id: person.user.id }).first();
    for (const secretText of [person.secret, ...person.recoveryCodes, ...stored.map((r: { code_hash: string }) => r.code_hash), totpRow.secret_encrypted, 'public-key-marker', 'credential-id-marker', 'handle-marker']) {
      expect(everything).to.not.contain(secretText);
    }
  });

  it('deletes every factor with the account', async () => {
    const person = await withEveryFactor();
    for (const table of SIGN_IN_TABLES) expect(await t.deps.db(table).where({ user_id: person.user.id }).count({ n: '*' }).then((r) => Number(r[0]!.n))).to.be.greaterThan(0);
    await person.agent.post('/account/delete').type('form').send({ _csrf: person.csrf, password: DEFAULT_PASSWORD, immediately: 'on' }).expect(303);
    for (const table of SIGN_IN_TABLES) expect(await t.deps.db(table).where({ user_id: person.user.id }).count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0, table);
  });
});
