import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../server/config';
import { parseDuration, formatDuration } from '../../server/durations';

describe('loadConfig', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-config-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('runs on embedded defaults with nothing set', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).to.equal(3000);
    expect(config.describer).to.equal('local');
    expect(config.databaseFile).to.equal(path.join(dataDir, 'sightline.sqlite'));
    expect(config.database).to.deep.equal({ client: 'sqlite', filename: path.join(dataDir, 'sightline.sqlite') });
    expect(config.imageRetention).to.equal(30 * 60);
    expect(config.maxUploadBytes).to.equal(20 * 1024 * 1024);
  });

  it('generates secrets once into DATA_DIR, readable by the owner only', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.sessionSecret).to.have.length.greaterThan(30);
    expect(first.encryptionKey).to.have.length(32);
    expect(second.sessionSecret).to.equal(first.sessionSecret);
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).to.equal(0o600);
  });

  it('names the variable when a value is invalid', () => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), PORT: 'eighty' })).to.throw(/PORT/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), DESCRIBER: 'magic' })).to.throw(/DESCRIBER/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), IMAGE_RETENTION: 'soon' })).to.throw(/IMAGE_RETENTION/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), ENCRYPTION_KEY: 'short' })).to.throw(/ENCRYPTION_KEY/);
  });

  it('runs on PostgreSQL when DATABASE_URL names a database, and refuses anything else', () => {
    for (const url of ['postgres://sightline:secret@db.internal:5432/sightline', 'postgresql://u@%2Frun%2Fpostgresql/sightline']) {
      expect(loadConfig({ DATA_DIR: tempDir(), DATABASE_URL: url }).database).to.deep.equal({ client: 'postgres', url });
    }
    for (const url of ['mysql://u@host/db', 'postgres://host:5432/', 'sightline.sqlite', 'postgres://user@/db']) {
      expect(() => loadConfig({ DATA_DIR: tempDir(), DATABASE_URL: url }), url).to.throw(/DATABASE_URL: expected postgres:\/\//);
    }
    expect(loadConfig({ DATA_DIR: tempDir(), DATABASE_URL: '' }).database.client).to.equal('sqlite');
  });

  it('keeps blobs in DATA_DIR by default, and in an S3 bucket with BLOB_STORE=s3', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).blobStore).to.deep.equal({ kind: 'local' });
    const s3 = loadConfig({
      DATA_DIR: tempDir(),
      BLOB_STORE: 's3',
      S3_ENDPOINT: 'https://s3.example.net:9000',
      S3_BUCKET: 'images',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'sightline/',
    }).blobStore;
    expect(s3).to.deep.equal({
      kind: 's3',
      endpoint: 'https://s3.example.net:9000',
      region: 'us-east-1',
      bucket: 'images',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: true,
      prefix: 'sightline/',
      where: 's3.example.net:9000',
    });
    const aws = loadConfig({ DATA_DIR: tempDir(), BLOB_STORE: 's3', S3_REGION: 'eu-west-1', S3_BUCKET: 'images' }).blobStore;
    expect(aws).to.include({ kind: 's3', region: 'eu-west-1', forcePathStyle: false, prefix: '', where: 'AWS eu-west-1' });
    expect(aws).to.have.property('credentials', undefined);
  });

  it('names what is missing or wrong in the S3 settings', () => {
    const s3 = (env: Record<string, string>) => () => loadConfig({ DATA_DIR: tempDir(), BLOB_STORE: 's3', S3_ENDPOINT: 'http://127.0.0.1:9000', ...env });
    expect(s3({})).to.throw(/S3_BUCKET: required when BLOB_STORE=s3/);
    expect(s3({ S3_BUCKET: 'images', S3_ACCESS_KEY_ID: 'id' })).to.throw(/S3_SECRET_ACCESS_KEY: required when S3_ACCESS_KEY_ID is set/);
    expect(s3({ S3_BUCKET: 'images', S3_SECRET_ACCESS_KEY: 'secret' })).to.throw(/S3_ACCESS_KEY_ID: required/);
    expect(s3({ S3_BUCKET: 'images', S3_ENDPOINT: 'minio:9000' })).to.throw(/S3_ENDPOINT: expected an http/);
    expect(s3({ S3_BUCKET: 'images', S3_PREFIX: '/images/' })).to.throw(/S3_PREFIX: expected a key prefix/);
    expect(s3({ S3_BUCKET: 'images', S3_FORCE_PATH_STYLE: 'yes' })).to.throw(/S3_FORCE_PATH_STYLE/);
    expect(s3({ S3_BUCKET: 'my bucket' })).to.throw(/S3_BUCKET: expected a bucket name/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), BLOB_STORE: 's3', S3_BUCKET: 'images' })).to.throw(/S3_REGION: required/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), BLOB_STORE: 'ftp' })).to.throw(/BLOB_STORE/);
  });

  it('refuses a default retention longer than the cap', () => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), IMAGE_RETENTION: '7d', MAX_IMAGE_RETENTION: '24h' })).to.throw(/IMAGE_RETENTION/);
  });
});

describe('parseDuration', () => {
  it('reads the retention forms', () => {
    expect(parseDuration('0')).to.equal(0);
    expect(parseDuration('30m')).to.equal(1800);
    expect(parseDuration('24h')).to.equal(86400);
    expect(parseDuration('7d')).to.equal(604800);
    expect(parseDuration('forever')).to.equal(null);
    expect(parseDuration('tomorrow')).to.equal(undefined);
    expect(formatDuration(1800)).to.equal('30 minutes');
    expect(formatDuration(null)).to.equal('until deleted');
  });
});
