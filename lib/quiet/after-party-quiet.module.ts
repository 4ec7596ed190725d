import { DynamicModule, Module, type Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { AppJobsHold } from './app-jobs.hold';
import { packageMayBeInUse } from '../discovery/package-in-use';
import type { SchedulerRegistryLike } from './scheduled-jobs.hold';

/**
 * `SchedulerRegistry` when the app uses `@nestjs/schedule` (an optional peer); a build of it that
 * the app certainly does not use is left unloaded (see {@link packageMayBeInUse}).
 */
export function schedulerRegistryClass(): Type<SchedulerRegistryLike> | undefined {
  if (!packageMayBeInUse('@nestjs/schedule')) {
    return undefined;
  }
  return (require('@nestjs/schedule') as { SchedulerRegistry: Type<SchedulerRegistryLike> }).SchedulerRegistry;
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
