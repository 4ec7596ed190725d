import { AfterPartyError } from './after-party.error';

/** The store cannot reach or use the app's database connection. */
export class StoreUnavailableError extends AfterPartyError {
  constructor(message: string) {
    super(message);
  }
}
