import request from 'supertest';
import type express from 'express';
import { generateSync } from 'otplib';
import type { Clock } from '../../server/clock';
import { csrfFrom, DEFAULT_PASSWORD, type Agent } from './session';

/** The code an authenticator app would show for `secret` at the clock's time, `stepOffset` steps away. */
export function totpCode(secret: string, clock: Clock, stepOffset = 0): string {
  return generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + stepOffset * 30 });
}

/** Starts enrolment on the account page and reads the key written under the QR code. */
export async function startEnrolment(agent: Agent, csrf: string): Promise<string> {
  await agent.post('/account/two-factor/setup').type('form').send({ _csrf: csrf }).expect(303);
  const page = await agent.get('/account/two-factor').expect(200);
  const match = /<textarea id="totp-secret"[^>]*>([A-Z2-7 ]+)<\/textarea>/.exec(page.text);
  if (!match) throw new Error('no key on the enrolment page');
  return match[1]!.replace(/ /g, '');
}

/** Turns TOTP on for a signed-in agent; answers the secret and the ten recovery codes shown once. */
export async function enrolTotp(agent: Agent, csrf: string, clock: Clock): Promise<{ secret: string; recoveryCodes: string[] }> {
  const secret = await startEnrolment(agent, csrf);
  const res = await agent.post('/account/two-factor/confirm').type('form').send({ _csrf: csrf, code: totpCode(secret, clock) }).expect(201);
  const match = /<textarea id="recovery-codes"[^>]*>([^<]*)<\/textarea>/.exec(res.text);
  if (!match) throw new Error('no recovery codes shown');
  return { secret, recoveryCodes: match[1]!.trim().split('\n') };
}

/** Posts email and password on a fresh agent; answers the agent and where the login sent it. */
export async function passwordStep(app: express.Express, email: string, agent: Agent = request.agent(app)): Promise<{ agent: Agent; location: string }> {
  const csrf = await csrfFrom(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, email, password: DEFAULT_PASSWORD }).expect(303);
  return { agent, location: res.headers.location as string };
}

/** Sends a code (or recovery code) at the second step, expecting `status`; answers the response. */
export async function codeStep(agent: Agent, code: string, status: number, opts: { remember?: boolean } = {}): Promise<request.Response> {
  const csrf = await csrfFrom(agent, '/login/two-factor');
  return agent.post('/login/two-factor').type('form').send({ _csrf: csrf, code, ...(opts.remember ? { remember: 'on' } : {}) }).expect(status);
}
