import { SetMetadata } from '@nestjs/common';
import type { ProviderClass } from '../discovery/provider-class';

/** Metadata key marking a `@Processor()` class as one of after-party's own queue workers. */
export const AFTER_PARTY_WORKER_METADATA = 'after-party:worker';

/**
 * Marks a `@Processor()` class as after-party's own worker (the distributed batch workers),
 * which after-party commands leave running when they hold back the app's workers (internal).
 */
export const AfterPartyWorker = (): ClassDecorator => SetMetadata(AFTER_PARTY_WORKER_METADATA, true);

/** Whether a processor class is one of after-party's own workers. */
export function isAfterPartyWorker(target: ProviderClass): boolean {
  return Reflect.getMetadata(AFTER_PARTY_WORKER_METADATA, target) === true;
}
