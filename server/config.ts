import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { parseDuration } from './durations';
import { parseAllowedHosts, type AllowedHost } from './net/address-policy';
import type { DatabaseTarget } from './db/knex';
import { parseRoles, runsEveryRole, type Role } from './roles/names';
import { blobStoreEnv, blobStoreTarget, type BlobStoreTarget } from './storage/settings';

/** Retention durations accept 0, "30m", "24h", "7d" or "forever"; stored as seconds (null = forever). */
const duration = z.string().trim().transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected 0, a duration such as 30m, 24h, 7d, or forever' });
    return z.NEVER;
  }
  return seconds;
});

/** One line of plain text for a page, or unset when empty. */
const statement = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must be one line of text, without control characters')
  .transform((value) => value || undefined);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Internal hosts outgoing requests may reach anyway: "host[:port]" separated by commas or spaces. */
const hostList = z.string().transform((value, ctx) => {
  try {
    return parseAllowedHosts(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : 'expected host[:port] entries' });
    return z.NEVER;
  }
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  BASE_URL: z.string().url().optional(),
  TRUST_PROXY: z.string().default('false'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)').optional(),
  PASSWORD_PEPPER: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)').optional(),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  SESSION_IDLE_MINUTES: positiveInt(30),
  SESSION_ABSOLUTE_HOURS: positiveInt(12),
  DESCRIBER: z.enum(['local', 'openai']).default('local'),
  OPENAI_API_KEY: z.string().optional(),
  // One model server, or several separated by commas or spaces (shared by the queue, with failover).
  OPENAI_BASE_URL: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .refine((urls) => urls.length > 0 && urls.every((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)), 'must be one or more http(s) URLs, separated by commas')
    .optional(),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: positiveInt(60_000),
  OPENAI_PROVIDER_RETENTION: statement.optional(),
  QUEUE_CONCURRENCY: positiveInt(2),
  MAX_UPLOAD_MB: positiveInt(20),
  MAX_IMAGE_PIXELS: positiveInt(100_000_000),
  IMAGE_RETENTION: duration.default(30 * 60),
  MAX_IMAGE_RETENTION: duration.default(null),
  SIGNUP: z.enum(['open', 'invite', 'closed']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || isPostgresUrl(value), 'expected postgres://user:password@host:port/database (or leave it unset for SQLite)'),
  ALLOWED_INTERNAL_HOSTS: hostList.default([]),
  API_RATE_LIMIT_PER_MINUTE: positiveInt(120),
  ZERO_RETENTION_ONLY: z.enum(['true', 'false', '']).default('false'),
  SIGHTLINE_ROLE: z.string().optional().transform((value, ctx) => {
    const roles = parseRoles(value);
    if (typeof roles === 'string') {
      ctx.addIssue({ code: 'custom', message: roles });
      return z.NEVER;
    }
    return roles;
  }),
  QUEUE_POLL_MS: positiveInt(250),
  OIDC_ISSUER: z.string().trim().url().optional().or(z.literal('').transform(() => undefined)),
  OIDC_CLIENT_ID: z.string().trim().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: statement.optional(),
  OIDC_ALLOW_SIGNUP: z.enum(['true', 'false', '']).default('false'),
  ...blobStoreEnv,
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  /** Where SQLite keeps its file (DATA_DIR/sightline.sqlite), whichever database is in use. */
  databaseFile: string;
  /** SQLite in that file unless DATABASE_URL names a PostgreSQL database. */
  database: DatabaseTarget;
  baseUrl?: string;
  trustProxy: boolean | number | string;
  sessionSecret: string;
  encryptionKey: Buffer;
  /** HMAC key applied to passwords before bcrypt, so long passwords are not cut at 72 bytes. */
  passwordPepper: Buffer;
  bcryptCost: number;
  /** True when BASE_URL is https: secure `__Host-` cookies, HSTS, upgrade-insecure-requests. */
  https: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  describer: 'local' | 'openai';
  /** `providerRetention`: what the admin states the provider keeps, shown on /privacy and the consent step. */
  /** `baseUrl` is the first of `baseUrls` (several model servers share the queue; see describers/model-servers). */
  openai: Readonly<{ apiKey?: string; baseUrl?: string; baseUrls: readonly string[]; model: string; timeoutMs: number; providerRetention?: string }>;
  queueConcurrency: number;
  /** How often an idle worker looks for due jobs; on PostgreSQL a notification wakes it sooner. */
  queuePollMs: number;
  maxUploadBytes: number;
  maxImagePixels: number;
  /** seconds; null means forever */
  imageRetention: number | null;
  maxImageRetention: number | null;
  signup?: 'open' | 'invite' | 'closed';
  logLevel: string;
  /** Hosts inside the network that webhooks and image URLs may reach. */
  allowedInternalHosts: readonly AllowedHost[];
  apiRateLimitPerMinute: number;
  /** Every upload is described from memory and never written to disk. */
  zeroRetentionOnly: boolean;
  /** What this process runs (SIGHTLINE_ROLE); every role unless told otherwise. */
  roles: readonly Role[];
  /** DATA_DIR/blobs unless BLOB_STORE=s3 names a bucket. */
  blobStore: BlobStoreTarget;
  /** OpenID Connect single sign-on, when OIDC_ISSUER is set. */
  oidc?: Readonly<{ issuer: string; clientId: string; clientSecret: string; name: string; allowSignup: boolean }>;
}>;

export class ConfigError extends Error {}

/** Reads the environment (and `.env` when present), validates it, and fills generated secrets. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DESCRIBER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    throw new ConfigError('Invalid configuration:\n  OPENAI_API_KEY: required when DESCRIBER=openai (or set OPENAI_BASE_URL for a server without keys)');
  }
  if (e.MAX_IMAGE_RETENTION !== null && (e.IMAGE_RETENTION === null || e.IMAGE_RETENTION > e.MAX_IMAGE_RETENTION)) {
    throw new ConfigError('Invalid configuration:\n  IMAGE_RETENTION: longer than MAX_IMAGE_RETENTION');
  }
  // Below 12 only to keep the test suite fast; production never runs a cheaper hash.
  if (e.BCRYPT_COST < 12 && e.NODE_ENV !== 'test') {
    throw new ConfigError('Invalid configuration:\n  BCRYPT_COST: must be at least 12');
  }
  // Separate processes need what only PostgreSQL gives them: notifications and advisory locks.
  if (!runsEveryRole(e.SIGHTLINE_ROLE) && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  SIGHTLINE_ROLE: running roles in separate processes needs PostgreSQL (set DATABASE_URL); with SQLite leave it unset',
    );
  }
  const oidcProblem = checkOidc(e);
  if (oidcProblem) throw new ConfigError(`Invalid configuration:\n  ${oidcProblem}`);
  const blobs = blobStoreTarget(e);
  if ('problems' in blobs) throw new ConfigError(`Invalid configuration:\n${blobs.problems.map((p) => `  ${p}`).join('\n')}`);
  const https = e.BASE_URL?.startsWith('https://') ?? false;
  if (https && parseTrustProxy(e.TRUST_PROXY) === false) {
    throw new ConfigError(
      'Invalid configuration:\n  TRUST_PROXY: must be set when BASE_URL is https (Sightline serves plain HTTP behind your TLS proxy)',
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = loadOrCreateSecrets(dataDir);
  const databaseFile = path.join(dataDir, 'sightline.sqlite');
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile,
    database: Object.freeze<DatabaseTarget>(
      e.DATABASE_URL ? { client: 'postgres', url: e.DATABASE_URL } : { client: 'sqlite', filename: databaseFile },
    ),
    baseUrl: e.BASE_URL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    sessionSecret: e.SESSION_SECRET ?? secrets.sessionSecret,
    encryptionKey: Buffer.from(e.ENCRYPTION_KEY ?? secrets.encryptionKey, 'hex'),
    passwordPepper: Buffer.from(e.PASSWORD_PEPPER ?? secrets.passwordPepper, 'hex'),
    bcryptCost: e.BCRYPT_COST,
    https,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    describer: e.DESCRIBER,
    openai: Object.freeze({
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL?.[0],
      baseUrls: e.OPENAI_BASE_URL ?? [],
      model: e.OPENAI_MODEL,
      timeoutMs: e.OPENAI_TIMEOUT_MS,
      providerRetention: e.OPENAI_PROVIDER_RETENTION,
    }),
    queueConcurrency: e.QUEUE_CONCURRENCY,
    queuePollMs: e.QUEUE_POLL_MS,
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    maxImagePixels: e.MAX_IMAGE_PIXELS,
    imageRetention: e.IMAGE_RETENTION,
    maxImageRetention: e.MAX_IMAGE_RETENTION,
    signup: e.SIGNUP,
    logLevel: e.LOG_LEVEL,
    allowedInternalHosts: Object.freeze(e.ALLOWED_INTERNAL_HOSTS),
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    zeroRetentionOnly: e.ZERO_RETENTION_ONLY === 'true',
    roles: Object.freeze([...e.SIGHTLINE_ROLE]),
    blobStore: blobs.target,
    oidc: e.OIDC_ISSUER
      ? Object.freeze({
          issuer: e.OIDC_ISSUER,
          clientId: e.OIDC_CLIENT_ID!,
          clientSecret: e.OIDC_CLIENT_SECRET!,
          name: e.OIDC_NAME ?? 'single sign-on',
          allowSignup: e.OIDC_ALLOW_SIGNUP === 'true',
        })
      : undefined,
  });
}

/**
 * Single sign-on needs the issuer, client id and secret together; the issuer over HTTPS, except on
 * this machine's loopback addresses (a provider run for testing).
 */
function checkOidc(e: { OIDC_ISSUER?: string; OIDC_CLIENT_ID?: string; OIDC_CLIENT_SECRET?: string }): string | undefined {
  const set = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter((v) => v).length;
  if (set === 0) return undefined;
  if (set < 3) return 'OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three for single sign-on, or none';
  const url = new URL(e.OIDC_ISSUER!);
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) return 'OIDC_ISSUER: must be an https:// address (plain http only on localhost)';
  return undefined;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Loads `.env` from the working directory when it exists; real environment variables win. */
export function loadDotEnv(file = path.resolve('.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

/** A URL pg can connect with; a Unix socket directory goes in the host, percent-encoded (postgres://user@%2Frun%2Fpostgresql/db). */
function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.pathname.length > 1;
  } catch {
    return false;
  }
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

type Secrets = { sessionSecret: string; encryptionKey: string; passwordPepper: string };

const SECRET_GENERATORS: Record<keyof Secrets, () => string> = {
  sessionSecret: () => crypto.randomBytes(32).toString('base64url'),
  encryptionKey: () => crypto.randomBytes(32).toString('hex'),
  passwordPepper: () => crypto.randomBytes(32).toString('hex'),
};

/**
 * Secrets generated on first run live beside the database, readable by the owner only.
 * A secret added in a later version is generated into the existing file without touching the others.
 */
function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  const existing: Partial<Secrets> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const missing = (Object.keys(SECRET_GENERATORS) as (keyof Secrets)[]).filter((name) => !existing[name]);
  if (missing.length === 0) return existing as Secrets;
  const secrets = { ...existing } as Secrets;
  for (const name of missing) secrets[name] = SECRET_GENERATORS[name]();
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  fs.renameSync(temp, file);
  return secrets;
}
