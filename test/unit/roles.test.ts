import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../server/config';

describe('SIGHTLINE_ROLE', () => {
  const dirs: string[] = [];
  const config = (env: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-roles-'));
    dirs.push(dir);
    return loadConfig({ DATA_DIR: dir, ...env });
  };
  const postgres = { DATABASE_URL: 'postgres://sightline@localhost:5432/sightline' };
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('runs every role in one process when unset or empty', () => {
    expect(config({}).roles).to.deep.equal(['web', 'worker', 'scheduler']);
    expect(config({ SIGHTLINE_ROLE: '' }).roles).to.deep.equal(['web', 'worker', 'scheduler']);
  });

  it('runs one role, or a comma list of them, on PostgreSQL', () => {
    expect(config({ ...postgres, SIGHTLINE_ROLE: 'worker' }).roles).to.deep.equal(['worker']);
    expect(config({ ...postgres, SIGHTLINE_ROLE: ' Worker , web' }).roles).to.deep.equal(['web', 'worker']);
  });

  it('refuses an unknown role with a message naming the variable', () => {
    expect(() => config({ ...postgres, SIGHTLINE_ROLE: 'web,cron' })).to.throw(ConfigError, /SIGHTLINE_ROLE: unknown role "cron": expected web, worker or scheduler/);
  });

  it('refuses separate roles on SQLite, where no other process would hear about new work', () => {
    expect(() => config({ SIGHTLINE_ROLE: 'web' })).to.throw(ConfigError, /SIGHTLINE_ROLE: running roles in separate processes needs PostgreSQL/);
    expect(config({ SIGHTLINE_ROLE: 'web,worker,scheduler' }).roles).to.have.length(3);
  });
});
