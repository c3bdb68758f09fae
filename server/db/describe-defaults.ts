import type { Knex } from 'knex';

export async function readDescribeDefaults(db: Knex, userId: number): Promise<string | null> {
  const row = await db('users').where({ id: userId }).first('describe_defaults_json');
  return row?.describe_defaults_json ?? null;
}

export async function saveDescribeDefaults(db: Knex, userId: number, json: string): Promise<void> {
  await db('users').where({ id: userId }).update({ describe_defaults_json: json });
}
