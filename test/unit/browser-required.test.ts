import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CHROMIUM_PATH, skipWithoutChromium } from '../browser/browser';
import { PROJECT_ROOT } from '../../server/app';

const CI_SCRIPT = path.join(PROJECT_ROOT, '.ci/run');
const MISSING = path.join(os.tmpdir(), 'no-such-dir', 'chromium');

/** A stand-in for mocha's context that records whether the suite asked to be skipped. */
function suite(): { skip(): never; skipped: boolean } {
  const ctx = {
    skipped: false,
    skip(): never {
      ctx.skipped = true;
      throw new Error('skipped');
    },
  };
  return ctx;
}

describe('browser tests and CI agree on Chromium', () => {
  it('fail instead of skipping when Chromium is missing in CI or when browser tests are required', () => {
    for (const env of [{ CI: 'true' }, { CI: '1' }, { SIGHTLINE_REQUIRE_BROWSER: '1' }]) {
      const ctx = suite();
      expect(() => skipWithoutChromium(ctx, MISSING, env), JSON.stringify(env)).to.throw(/missing, and browser tests may not be skipped/);
      expect(ctx.skipped, JSON.stringify(env)).to.equal(false);
    }
  });

  it('skip with a message when Chromium is missing on a developer machine', () => {
    for (const env of [{ CI: 'false' }, { SIGHTLINE_REQUIRE_BROWSER: '0' }]) {
      const ctx = suite();
      expect(() => skipWithoutChromium(ctx, MISSING, env)).to.throw('skipped');
      expect(ctx.skipped, JSON.stringify(env)).to.equal(true);
    }
  });

  it('run when Chromium is there, in CI too', () => {
    const ctx = suite();
    skipWithoutChromium(ctx, process.execPath, { CI: 'true' });
    expect(ctx.skipped).to.equal(false);
  });

  it('.ci/run installs Chromium when the path the browser tests use is missing', () => {
    const script = fs.readFileSync(CI_SCRIPT, 'utf8');
    expect(/^CHROMIUM=(\S+)$/m.exec(script)?.[1]).to.equal(CHROMIUM_PATH);
    expect(script).to.match(/if \[ ! -x "\$CHROMIUM" \]; then\n(?:.*\n)*?\s+apt-get install -y -qq chromium\b/);
  });

  it('.ci/run runs the tests with browser tests required', () => {
    // The script run for real in a copy of the project layout, with npm and apt-get replaced by recorders.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-ci-'));
    try {
      fs.mkdirSync(path.join(root, '.ci'));
      fs.mkdirSync(path.join(root, 'bin'));
      fs.copyFileSync(CI_SCRIPT, path.join(root, '.ci/run'));
      const log = path.join(root, 'calls.log');
      for (const tool of ['npm', 'apt-get']) {
        fs.writeFileSync(path.join(root, 'bin', tool), `#!/bin/sh\necho "${tool} $* required=\${SIGHTLINE_REQUIRE_BROWSER:-}" >> "${log}"\n`, { mode: 0o755 });
      }
      const env = { PATH: `${path.join(root, 'bin')}:${process.env.PATH}`, HOME: root };
      execFileSync('bash', [path.join(root, '.ci/run')], { env, stdio: 'pipe' });
      const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
      expect(calls.filter((line) => line.startsWith('npm '))).to.deep.equal(['npm ci --no-audit --no-fund required=1', 'npm test required=1']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
