import { DynamicModule, Module, type Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { AppJobsHold } from './app-jobs.hold';
import type { SchedulerRegistryLike } from './scheduled-jobs.hold';

const SCHEDULE = '@nestjs/schedule';

/** Whether `error` says that @nestjs/schedule is not installed. */
function isScheduleMissing(error: unknown): boolean {
  return (error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(SCHEDULE);
}

/** Whether `entry` is an ES module: a `.mjs` file, or a `.js` file whose nearest package.json says `"type": "module"` (Node's rule). */
function isEsModule(entry: string): boolean {
  if (entry.endsWith('.mjs')) {
    return true;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
    }
  }
  return false;
}

/**
 * `SchedulerRegistry` when the app uses `@nestjs/schedule` (an optional peer). A CommonJS build
 * of it that nothing has loaded yet is one the app does not use, whether or not it is installed:
 * it is left unloaded (loading it cost a command process ~10 ms for nothing). An ES-module build
 * may have been imported without passing through require's cache, so it is always looked up.
 */
export function schedulerRegistryClass(): Type<SchedulerRegistryLike> | undefined {
  let entry: string;
  try {
    entry = require.resolve(SCHEDULE);
  } catch (error) {
    if (isScheduleMissing(error)) return undefined;
    throw error;
  }
  if (!require.cache[entry] && !isEsModule(entry)) {
    return undefined;
  }
  return (require(SCHEDULE) as { SchedulerRegistry: Type<SchedulerRegistryLike> }).SchedulerRegistry;
}

/**
 * Keeps the app's scheduled jobs and queue workers quiet while an after-party command runs
 * (internal; imported by `AfterPartyModule` only in a command process). Not global on
 * purpose: Nest runs the lifecycle hooks of global modules, such as `ScheduleModule` and
 * `BullModule`, before the others, so its bootstrap hook sees what they started.
 */
@Module({})
export class AfterPartyQuietModule {
  static forCommand(): DynamicModule {
    const registryClass = schedulerRegistryClass();
    return {
      module: AfterPartyQuietModule,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: AppJobsHold,
          inject: [
            AFTER_PARTY_OPTIONS,
            DiscoveryService,
            ...(registryClass ? [{ token: registryClass, optional: true }] : []),
          ],
          useFactory: (
            options: ResolvedAfterPartyOptions,
            discovery: DiscoveryService,
            registry?: SchedulerRegistryLike,
          ) => {
            const hold = new AppJobsHold(options.holdBackAppJobs, discovery);
            hold.beforeLifecycleHooks(registry);
            return hold;
          },
        },
      ],
    };
  }
}
