/** knex's SQLite dialect class, which knex accepts as `client` to be extended. */
declare module 'knex/lib/dialects/sqlite3' {
  import type { Knex } from 'knex';

  class Client_SQLite3 extends (Object as unknown as new (config: Knex.Config) => Knex.Client) {
    constructor(config: Knex.Config);
    destroyRawConnection(connection: unknown): Promise<void>;
    connectionSettings: unknown;
    _query(connection: unknown, query: { sql?: string }): Promise<unknown>;
  }
  export = Client_SQLite3;
}
