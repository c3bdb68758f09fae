import type { AddressInfo } from 'node:net';
import { buildTestApp } from '../test/helpers/test-app';
import { hashPassword } from '../server/auth/passwords';
import { insertUser } from '../server/db/users';

/**
 * Child process for the ingest benchmark: the full app on a fresh database with one user, listening on
 * 127.0.0.1, queue not started (the figure is "request to queued"). Sends { url, email, password } over IPC.
 */
export const INGEST_BENCH_EMAIL = 'ingest-bench@example.test';
export const INGEST_BENCH_PASSWORD = 'ingest bench passphrase';

async function main(): Promise<void> {
  const t = await buildTestApp({ LOG_LEVEL: 'silent', DESCRIBER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', MAX_UPLOAD_MB: '20' });
  const now = Date.now();
  await insertUser(t.deps.db, {
    email: INGEST_BENCH_EMAIL,
    name: 'Bench',
    password_hash: await hashPassword(t.config, INGEST_BENCH_PASSWORD),
    role: 'admin',
    created_at: now,
  });
  const server = t.app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ url: `http://127.0.0.1:${port}` });
  });
  process.on('disconnect', () => {
    server.close();
    void t.close().then(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
