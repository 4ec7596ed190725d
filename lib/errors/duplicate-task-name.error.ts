import { AfterPartyError } from './after-party.error';

/** Two task classes resolve to the same task name. */
export class DuplicateTaskNameError extends AfterPartyError {
  constructor(name: string, first: string, second: string) {
    super(
      `Tasks ${first} and ${second} both have the name "${name}". ` +
        `Names must be unique: rename a class or set a distinct \`name\` in @AfterPartyTask().`,
    );
  }
}
