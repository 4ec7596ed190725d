import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { logSeed } from './settings';

/**
 * Timestamp keys in a process whose time zone is not UTC. A Jest test cannot change its own
 * process's zone (`process.env.TZ` inside a test is a copy), so zoned/keyset.zoned.ts runs in a
 * Jest of its own, started with `TZ` set; the seed and run settings pass through the environment.
 */
const root = join(__dirname, '..', '..');

for (const zone of ['America/New_York', 'Europe/Berlin']) {
  it(`keeps the keyset contract for timestamp keys in TZ=${zone} (daylight-saving transitions included), on every store`, () => {
    logSeed();
    const config = {
      rootDir: root,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/property/zoned/*.zoned.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      testTimeout: 60_000,
    };
    const child = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', JSON.stringify(config), '--runInBand', '--ci'],
      {
        cwd: root,
        // Fewer runs than in UTC by default: the same generators, checked twice more.
        env: { ...process.env, TZ: zone, AP_PROPERTY_RUNS: process.env.AP_PROPERTY_RUNS ?? '8' },
        encoding: 'utf8',
        timeout: 100_000,
      },
    );
    const output = `${child.stdout ?? ''}${child.stderr ?? ''}`;
    process.stdout.write(
      output
        .split('\n')
        .filter((line) => /runs;|✓|✕|○/.test(line))
        .join('\n') + '\n',
    );
    if (child.status !== 0) {
      throw new Error(`the TZ=${zone} suite failed (exit ${child.status}${child.signal ? `, ${child.signal}` : ''}):\n${output}`);
    }
  }, 120_000);
}
