import { expect } from 'chai';
import { createDb, type Db } from '../../server/db/knex';
import { createLogger } from '../../server/logger';
import { CHANNELS, notify } from '../../server/db/notifications';
import { ProcessConnection } from '../../server/db/process-connection';
import { postgresCluster } from '../helpers/test-database';
import { waitFor } from '../helpers/queue-fixtures';

describe('the process connection to PostgreSQL', () => {
  let database: { name: string; url: string };
  let db: Db;
  let connection: ProcessConnection;
  before(async () => {
    database = await (await postgresCluster()).createDatabase();
    db = createDb({ client: 'postgres', url: database.url });
    connection = new ProcessConnection(database.url, createLogger('silent'));
    await connection.open();
  });
  after(async () => {
    await connection.close();
    await db.destroy();
    await (await postgresCluster()).dropDatabase(database.name);
  });

  it('hears a notification only when the transaction that sent it commits', async () => {
    const heard: string[] = [];
    const off = await connection.listen(CHANNELS.batches, (payload) => heard.push(payload));
    await db.transaction(async (trx) => {
      await notify(trx, CHANNELS.batches, 'rolled-back');
      throw new Error('roll back');
    }).catch(() => undefined);
    await db.transaction((trx) => notify(trx, CHANNELS.batches, 'committed'));
    await waitFor(() => heard.length > 0, 5_000, 'the notification');
    expect(heard).to.deep.equal(['committed']);
    off();
  });

  it('reconnects when its session is cut, listens again, and says so', async () => {
    const heard: string[] = [];
    await connection.listen(CHANNELS.jobs, (payload) => heard.push(payload));
    let reconnected = false;
    connection.onReconnect(() => (reconnected = true));
    await db.raw("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'sightline-process' and datname = current_database()");
    await waitFor(() => reconnected, 10_000, 'the connection to come back');
    await notify(db, CHANNELS.jobs, 'after');
    await waitFor(() => heard.includes('after'), 5_000, 'a notification after the reconnection');
  });
});
