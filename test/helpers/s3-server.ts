import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { blobStoreTarget, type S3Settings } from '../../server/storage/settings';

export interface S3Server {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the bucket's objects, as files: what a copied disk of the S3 server would show. */
  dir: string;
  /** BLOB_STORE=s3 and the settings that reach this server (optionally under a key prefix). */
  env(prefix?: string): Record<string, string>;
  /** The S3 store's settings that env(prefix) gives a config. */
  settings(prefix?: string): S3Settings;
  /** The file s3rver keeps an object's bytes in. */
  objectFile(objectKey: string): string;
  /** Every object file under the bucket, or under a key prefix of it (metadata files left out). */
  objectFiles(prefix?: string): string[];
  /** Kills the server (SIGKILL), keeping its data: the store "goes down" mid-request if need be. */
  stop(): Promise<void>;
  /** Answers again on the same port, with the same data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const MAIN = path.join(__dirname, 's3-server-main.js');

/**
 * A real S3-compatible server (s3rver 3.7) on loopback, its data in a temp directory, with one bucket;
 * path-style addressing, and the credentials s3rver expects for signed requests.
 */
export async function startS3Server(bucket = 'sightline-test'): Promise<S3Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-s3-'));
  let port = 0;
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(process.execPath, ['--openssl-legacy-provider', MAIN, dir, bucket, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /listening (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      proc.stderr!.on('data', (chunk) => (out += chunk));
      proc.once('exit', () => reject(new Error(`s3rver exited:\n${out}`)));
    });
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  const bucketDir = path.join(dir, bucket);
  const walk = (d: string): string[] =>
    fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])) : [];
  const env = (prefix = '') => ({
    BLOB_STORE: 's3' as const,
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_REGION: 'us-east-1',
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true' as const,
    S3_PREFIX: prefix,
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    dir: bucketDir,
    env,
    settings(prefix) {
      const result = blobStoreTarget(env(prefix));
      if ('problems' in result || result.target.kind !== 's3') throw new Error(`bad test settings: ${JSON.stringify(result)}`);
      return result.target;
    },
    objectFile: (objectKey) => path.join(bucketDir, `${objectKey}._S3rver_object`),
    objectFiles: (prefix = '') => walk(path.join(bucketDir, prefix)).filter((f) => f.endsWith('._S3rver_object')),
    stop,
    start,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
