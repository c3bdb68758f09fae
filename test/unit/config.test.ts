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
