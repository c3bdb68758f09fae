import type { Knex } from 'knex';

export type Role = 'admin' | 'user';
export type UserStatus = 'active' | 'disabled';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  status: UserStatus;
  created_at: number;
  updated_at: number;
}

/** The shape of `req.user`: never the password hash. */
export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
}

const SESSION_COLUMNS = ['id', 'email', 'name', 'role'] as const;

export async function countUsers(db: Knex): Promise<number> {
  const row = await db('users').where({ kind: 'person' }).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function findUserByEmail(db: Knex, email: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ email }).where('kind', 'person').first();
}

export async function findUserById(db: Knex, id: number): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ id }).where('kind', 'person').first();
}

/** One indexed lookup per signed-in request; a disabled account yields nothing. */
export async function findActiveSessionUser(db: Knex, id: number): Promise<SessionUser | undefined> {
  return db('users').select(SESSION_COLUMNS).where({ id, status: 'active', kind: 'person' }).first();
}

export async function insertUser(
  db: Knex,
  user: Pick<UserRow, 'email' | 'name' | 'password_hash' | 'role' | 'created_at'>,
): Promise<number> {
  const [row] = await db('users')
    .insert({ ...user, status: 'active', updated_at: user.created_at })
    .returning<{ id: number }[]>('id');
  return row.id;
}

export async function updateUser(
  db: Knex,
  id: number,
  changes: Partial<Pick<UserRow, 'email' | 'name' | 'password_hash' | 'status'>> & { updated_at: number },
): Promise<void> {
  await db('users').where({ id }).update(changes);
}

export async function listUsers(db: Knex): Promise<Omit<UserRow, 'password_hash'>[]> {
  return db('users').where({ kind: 'person' }).select('id', 'email', 'name', 'role', 'status', 'created_at', 'updated_at').orderBy('id');
}
