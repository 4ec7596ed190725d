import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A batched task's key holds one value in several rows of its collection's query, as the database
 * compares values (its collation may equate strings JavaScript tells apart). Keyset pages would
 * skip all but one of those rows, so the task is refused before the first batch.
 */
export class RepeatedKeyError extends AfterPartyError {
  /**
   * @param key the key as the collection names it (`"email"`, or `["day","kind"]`)
   * @param value the repeated value, as JSON
   * @param rows how many rows hold it
   * @param tiebreaker the key with the primary key added, as the option to write (`['email', 'id']`)
   * @param text whether the key holds text, whose collation may equate different strings
   */
  constructor(key: string, value: string, rows: number, tiebreaker: string, text: boolean) {
    const collation = text ? '; its collation may equate strings JavaScript tells apart, such as "a" and "A", or "a" and "a "' : '';
    super(
      `typeormKeyset: the key ${key} repeats in the collection's query (${value} in ${rows} rows, as the database compares it${collation}), ` +
        `which keyset pages would skip: page by the primary key, or add it as a tiebreaker (key: ${tiebreaker}).`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
