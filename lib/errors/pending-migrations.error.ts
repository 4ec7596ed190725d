import { AfterPartyError } from './after-party.error';

/** The TypeORM data source has schema migrations that are not applied yet. */
export class PendingMigrationsError extends AfterPartyError {
  constructor(names: string[]) {
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : '');
    super(
      `${names.length} schema migration${names.length > 1 ? 's are' : ' is'} pending (${shown}). ` +
        `Deploy tasks run after schema migrations: run them first, or pass --migrate to let after-party:run apply them.`,
    );
  }
}
