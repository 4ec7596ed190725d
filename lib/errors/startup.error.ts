import { AfterPartyError } from './after-party.error';

/** The application failed to start (e.g. the database is unreachable), so no command ran. */
export class StartupError extends AfterPartyError {
  constructor(cause: unknown) {
    const message = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
    super(`The application could not start: ${message}. Check its configuration (database URL, credentials, network) and retry.`);
    this.cause = cause;
  }
}
