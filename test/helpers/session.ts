import type express from 'express';
import request from 'supertest';
import type { Deps } from '../../server/deps';
import { countUsers, findUserByEmail } from '../../server/db/users';
import { createInvite } from '../../server/services/accounts/admin';
import { signupMode } from '../../server/services/accounts/signup';

export type Agent = ReturnType<typeof request.agent>;

export interface SignedUp {
  /** A supertest agent holding the signed-in session cookie. */
  agent: Agent;
  /** The CSRF token of that session: send as `_csrf` or `x-csrf-token`. */
  csrf: string;
  user: { id: number; email: string };
}

export const DEFAULT_PASSWORD = 'plum tractor velvet 42';
let counter = 0;

/** The CSRF token a page hands out (the meta tag every layout page carries). */
export async function csrfFrom(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path);
  const match = /<meta name="csrf-token" content="([^"]*)">/.exec(res.text);
  if (!match || !match[1]) throw new Error(`no CSRF token on ${path} (status ${res.status})`);
  return match[1];
}

/** Signs in through the real form; returns the new session's CSRF token. */
export async function logIn(agent: Agent, email: string, password = DEFAULT_PASSWORD): Promise<string> {
  const csrf = await csrfFrom(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, email, password });
  if (res.status !== 303) throw new Error(`login failed for ${email}: ${res.status}`);
  return csrfFrom(agent, '/account');
}

/**
 * Creates an account through the real sign-up form and signs it in. The first account of an app is
 * its admin. When sign-up is by invitation, an invite is created by the first admin so any number
 * of users can be made in a test.
 */
export async function signUp(
  app: express.Express,
  opts: { email?: string; password?: string; name?: string } = {},
): Promise<SignedUp> {
  const deps = app.locals.deps as Deps;
  counter += 1;
  const email = (opts.email ?? `user${counter}-${Date.now()}@example.test`).toLowerCase();
  const password = opts.password ?? DEFAULT_PASSWORD;
  const agent = request.agent(app);

  let path = '/signup';
  if ((await signupMode(deps)) === 'invite') {
    const admin = await deps.db('users').where({ role: 'admin' }).orderBy('id').first();
    if (!admin || (await countUsers(deps.db)) === 0) throw new Error('invite mode without an admin');
    path = `/signup?invite=${await createInvite(deps, null, admin.id)}`;
  }
  const invite = new URL(path, 'http://x').searchParams.get('invite') ?? undefined;
  const csrf = await csrfFrom(agent, path);
  const res = await agent.post('/signup').type('form').send({ _csrf: csrf, email, password, name: opts.name ?? '', invite });
  if (res.status !== 303) throw new Error(`sign-up failed for ${email}: ${res.status} ${res.text.slice(0, 300)}`);
  const user = await findUserByEmail(deps.db, email);
  if (!user) throw new Error(`sign-up did not create ${email} (already registered?)`);

  // The first account is signed in by signing up; any other signs in through the form.
  const sessionCsrf = res.headers.location === '/' ? await csrfFrom(agent, '/account') : await logIn(agent, email, password);
  return { agent, csrf: sessionCsrf, user: { id: user.id, email: user.email } };
}
