import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Deps } from '../../server/deps';
import { createApiKey, type ApiKeyScope } from '../../server/services/api-keys';

/** Serves the app on 127.0.0.1 (real HTTP, port 0) and gives its base URL. */
export async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

let counter = 0;

/** A user row for API tests that need no browser session; the first one is the admin. */
export async function insertUser(deps: Deps, email = `api-user-${++counter}@example.test`): Promise<{ id: number; email: string }> {
  const now = deps.clock.now().getTime();
  const existing = await deps.db('users').count<{ n: number }[]>({ n: '*' }).first();
  const [id] = await deps.db('users').insert({
    email,
    name: email.split('@')[0],
    password_hash: '!unusable',
    role: Number(existing?.n ?? 0) === 0 ? 'admin' : 'user',
    created_at: now,
    updated_at: now,
  });
  return { id: Number(id), email };
}

/** A user with a key of the given scope: `Authorization` header value ready to send. */
export async function userWithKey(deps: Deps, scope: ApiKeyScope = 'write'): Promise<{ userId: number; key: string; auth: string; keyId: number }> {
  const user = await insertUser(deps);
  const { key, view } = await createApiKey(deps, user.id, { name: `test ${scope}`, scope });
  return { userId: user.id, key, auth: `Bearer ${key}`, keyId: view.id };
}
