import { AfterPartyError } from './after-party.error';

/** Two task classes declare the same version. */
export class DuplicateTaskVersionError extends AfterPartyError {
  constructor(version: string, first: string, second: string) {
    super(
      `Tasks ${first} and ${second} both use version ${version}. ` +
        `Versions must be unique: give one of them a new timestamp (regenerate it with the task schematic).`,
    );
  }
}
