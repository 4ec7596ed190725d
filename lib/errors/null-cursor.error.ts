import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A saved `typeormKeyset` cursor lacks a value for a part of the key. The key is never NULL
 * (`verify()` refuses that), so the value was one JSON cannot hold (NaN or Infinity in a float
 * column, saved as null): `key > NULL` matches nothing, and paging on from it would end the task
 * with the rest skipped. The task stops instead.
 */
export class NullCursorError extends AfterPartyError {
  /**
   * @param cursor the saved cursor, as JSON
   * @param key the key as the collection names it (`"score"`, or `["score","id"]`)
   */
  constructor(cursor: string, key: string) {
    super(
      `typeormKeyset: the saved cursor ${cursor} holds null for the key ${key}, which is never NULL: a float NaN or Infinity is saved as null in JSON, and paging on from it would skip the rest; page by another key, such as the primary key, and after-party:reset <task> starts the task over.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
