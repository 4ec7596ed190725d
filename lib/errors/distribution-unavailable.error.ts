import { AfterPartyError } from './after-party.error';

/**
 * A distributed task cannot use BullMQ: its packages are missing, or Redis cannot be reached.
 * Nothing runs (exit 2), so no batch and no completion is recorded.
 */
export class DistributionUnavailableError extends AfterPartyError {
  constructor(message: string) {
    super(message);
  }
}
