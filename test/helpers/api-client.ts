import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Deps } from '../../server/deps';
import { createApiKey, type ApiKeyScope } from '../../server/services/api-keys';
import { insertUser } from './rows';

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

/** A user with a key of the given scope: `Authorization` header value ready to send. */
export async function userWithKey(deps: Deps, scope: ApiKeyScope = 'write'): Promise<{ userId: number; key: string; auth: string; keyId: number }> {
  const userId = await insertUser(deps.db);
  const { key, view } = await createApiKey(deps, userId, { name: `test ${scope}`, scope });
  return { userId, key, auth: `Bearer ${key}`, keyId: view.id };
}
