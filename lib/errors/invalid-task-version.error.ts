import { AfterPartyError } from './after-party.error';

/** A task's version is not a 14-digit UTC timestamp of a real date and time. */
export class InvalidTaskVersionError extends AfterPartyError {
  constructor(className: string, version: unknown, reason: string, example: string) {
    super(
      `Task ${className} has an invalid version ${JSON.stringify(version)}: ${reason}. ` +
        `Use a UTC timestamp YYYYMMDDHHMMSS, e.g. "${example}" (the task schematic writes one for you).`,
    );
  }
}
