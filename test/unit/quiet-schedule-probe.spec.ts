import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** In a plain Node process (Jest keeps no require cache of its own), with or without the app loading @nestjs/schedule first. */
function probe(appUsesSchedule: boolean): { found: string | null; loaded: boolean } {
  const script = `
    ${appUsesSchedule ? "require('@nestjs/schedule');" : ''}
    const { schedulerRegistryClass } = require(${JSON.stringify(join(ROOT, 'dist', 'quiet', 'after-party-quiet.module'))});
    const found = schedulerRegistryClass();
    const loaded = Object.keys(require.cache).some((file) => file.includes('/node_modules/@nestjs/schedule/'));
    process.stdout.write(JSON.stringify({ found: found ? found.name : null, loaded }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

describe("the command process's look for the app's scheduled jobs", () => {
  it('finds SchedulerRegistry when the app has loaded @nestjs/schedule', () => {
    expect(probe(true)).toEqual({ found: 'SchedulerRegistry', loaded: true });
  });

  it('leaves @nestjs/schedule unloaded when it is installed but the app does not use it', () => {
    expect(probe(false)).toEqual({ found: null, loaded: false });
  });
});

describe('whether a command process looks for queue workers', () => {
  const mayBeInUse = (preload: boolean): boolean =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '-e',
          `${preload ? "require('@nestjs/bullmq');" : ''}
           const { packageMayBeInUse } = require(${JSON.stringify(join(ROOT, 'dist', 'quiet', 'package-in-use'))});
           process.stdout.write(JSON.stringify(packageMayBeInUse('@nestjs/bullmq')));`,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      ),
    );

  it('does once the app has loaded @nestjs/bullmq, and does not when it is installed but unused', () => {
    expect([mayBeInUse(true), mayBeInUse(false)]).toEqual([true, false]);
  });
});
