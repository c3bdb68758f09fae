import { z } from 'zod';

/** Where working copies are kept: DATA_DIR/blobs (the default) or an S3-compatible bucket. */
export type BlobStoreTarget = { kind: 'local' } | ({ kind: 's3' } & S3Settings);

export type S3Settings = Readonly<{
  /** Unset: AWS itself, by region. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Unset: the AWS SDK's own chain (AWS_* variables, an instance or task role). */
  credentials?: Readonly<{ accessKeyId: string; secretAccessKey: string }>;
  forcePathStyle: boolean;
  /** Put before every object key, e.g. "sightline/"; empty for the bucket's root. */
  prefix: string;
  /** The endpoint's host (or "AWS <region>"), for messages and the privacy page. */
  where: string;
}>;

const optionalText = z.string().trim().optional().transform((value) => value || undefined);

/** The environment variables of the blob store, merged into the config's schema. */
export const blobStoreEnv = {
  BLOB_STORE: z.enum(['local', 's3', '']).default('local'),
  S3_ENDPOINT: optionalText.refine((value) => !value || /^https?:\/\/[^/]/.test(value), 'expected an http:// or https:// URL'),
  S3_REGION: optionalText,
  S3_BUCKET: optionalText.refine((value) => !value || /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/.test(value), 'expected a bucket name (letters, digits, ".", "-", "_")'),
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '']).default('false'),
  S3_PREFIX: z
    .string()
    .default('')
    .refine((value) => !value.startsWith('/') && !/[\p{Cc}\\]/u.test(value) && value.length <= 512, 'expected a key prefix such as sightline/ (no leading "/", no control characters)'),
};

type BlobStoreEnv = { [K in keyof typeof blobStoreEnv]: z.output<(typeof blobStoreEnv)[K]> };

/** The target the settings name, or the problems with them, one per variable, as the config reports them. */
export function blobStoreTarget(e: BlobStoreEnv): { target: BlobStoreTarget } | { problems: string[] } {
  if (e.BLOB_STORE !== 's3') return { target: { kind: 'local' } };
  const problems: string[] = [];
  if (!e.S3_BUCKET) problems.push('S3_BUCKET: required when BLOB_STORE=s3');
  if (e.S3_ACCESS_KEY_ID && !e.S3_SECRET_ACCESS_KEY) problems.push('S3_SECRET_ACCESS_KEY: required when S3_ACCESS_KEY_ID is set');
  if (!e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY) problems.push('S3_ACCESS_KEY_ID: required when S3_SECRET_ACCESS_KEY is set');
  if (!e.S3_ENDPOINT && !e.S3_REGION) problems.push('S3_REGION: required when BLOB_STORE=s3 (or set S3_ENDPOINT for another S3-compatible service)');
  if (problems.length > 0) return { problems };
  const region = e.S3_REGION ?? 'us-east-1';
  return {
    target: Object.freeze({
      kind: 's3' as const,
      endpoint: e.S3_ENDPOINT,
      region,
      bucket: e.S3_BUCKET as string,
      credentials: e.S3_ACCESS_KEY_ID ? Object.freeze({ accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY as string }) : undefined,
      forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
      prefix: e.S3_PREFIX,
      where: e.S3_ENDPOINT ? new URL(e.S3_ENDPOINT).host : `AWS ${region}`,
    }),
  };
}
