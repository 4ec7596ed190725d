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
           const { packageMayBeInUse } = require(${JSON.stringify(join(ROOT, 'dist', 'discovery', 'package-in-use'))});
           process.stdout.write(JSON.stringify(packageMayBeInUse('@nestjs/bullmq')));`,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      ),
    );

  it('does once the app has loaded @nestjs/bullmq, and does not when it is installed but unused', () => {
    expect([mayBeInUse(true), mayBeInUse(false)]).toEqual([true, false]);
  });
});

describe('the bridge to EventEmitter2', () => {
  /** Boots an app on the testing module in a plain Node process: is @nestjs/event-emitter loaded, and does an event reach EventEmitter2? */
  const boot = (appImportsEmitter: boolean): { loaded: boolean; heard: string[] } =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '-e',
          `require('reflect-metadata');
           const { Module } = require('@nestjs/common');
           const { NestFactory } = require('@nestjs/core');
           const { AfterPartyService } = require(${JSON.stringify(join(ROOT, 'dist', 'index'))});
           const { AfterPartyTestingModule } = require(${JSON.stringify(join(ROOT, 'dist', 'testing'))});
           const imports = [AfterPartyTestingModule.forRoot()];
           ${appImportsEmitter ? "const { EventEmitterModule } = require('@nestjs/event-emitter'); imports.push(EventEmitterModule.forRoot({ wildcard: true }));" : ''}
           class AppModule {}
           Module({ imports })(AppModule);
           (async () => {
             const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
             const heard = [];
             ${appImportsEmitter ? "app.get(require('@nestjs/event-emitter').EventEmitter2).onAny((event) => heard.push(event));" : ''}
             await app.get(AfterPartyService).run();
             await app.close();
             const loaded = Object.keys(require.cache).some((file) => file.includes('/node_modules/@nestjs/event-emitter/'));
             process.stdout.write(JSON.stringify({ loaded, heard }));
           })();`,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      ),
    );

  it('leaves @nestjs/event-emitter unloaded when it is installed but the app does not import EventEmitterModule', () => {
    expect(boot(false)).toEqual({ loaded: false, heard: [] });
  });

  it('forwards the events when the app imports EventEmitterModule', () => {
    expect(boot(true)).toEqual({ loaded: true, heard: ['after-party.run.started', 'after-party.run.finished'] });
  });
});
