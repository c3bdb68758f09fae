import type { Knex } from 'knex';

/** An OpenAI-compatible server an admin configured for comparisons; the API key stays sealed here. */
export interface DescriberConfigRow {
  id: string;
  name: string;
  base_url: string;
  model: string;
  api_key_sealed: string | null;
  price_input_per_m: number;
  price_output_per_m: number;
  created_at: number;
  updated_at: number;
}

export async function listDescriberConfigs(db: Knex): Promise<DescriberConfigRow[]> {
  const rows: DescriberConfigRow[] = await db('describer_configs').orderBy('created_at').select('*');
  return rows.map(normalise);
}

export async function findDescriberConfig(db: Knex, id: string): Promise<DescriberConfigRow | undefined> {
  const row = await db('describer_configs').where({ id }).first();
  return row ? normalise(row as DescriberConfigRow) : undefined;
}

export async function insertDescriberConfig(db: Knex, row: DescriberConfigRow): Promise<void> {
  await db('describer_configs').insert(row);
}

export async function deleteDescriberConfig(db: Knex, id: string): Promise<boolean> {
  return (await db('describer_configs').where({ id }).delete()) === 1;
}

/** PostgreSQL hands bigints back as strings and doubles as numbers; SQLite as numbers. */
function normalise(row: DescriberConfigRow): DescriberConfigRow {
  return {
    ...row,
    price_input_per_m: Number(row.price_input_per_m),
    price_output_per_m: Number(row.price_output_per_m),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}
