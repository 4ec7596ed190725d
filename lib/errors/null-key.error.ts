import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A batched task's key is NULL in some rows of its collection's query. `key > :cursor` is never
 * true for NULL, so keyset pages would never reach those rows and the task would complete without
 * them: it is refused before the first batch instead.
 */
export class NullKeyError extends AfterPartyError {
  /**
   * @param key the key as the collection names it (`"rank"`, or `["name","id"]`)
   * @param notNull the condition that leaves the NULL rows out (`x.rank IS NOT NULL`)
   */
  constructor(key: string, notNull: string) {
    super(
      `typeormKeyset: the key ${key} is NULL in some rows of the collection's query, which keyset pages never reach: ` +
        `add \`.andWhere('${notNull}')\` to process the others, or page by a non-null key such as the primary key.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
