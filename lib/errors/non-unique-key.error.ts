import { AfterPartyExitCode } from '../exit-codes';
import { AfterPartyError } from './after-party.error';

/** A batched task's collection repeated a key: keyset paging would skip items, so the task stops. */
export class NonUniqueKeyError extends AfterPartyError {
  constructor(task: string, key: unknown) {
    super(
      `Task ${task}: its collection returned the key ${JSON.stringify(key)} twice in a row (or a page did not start after its cursor). ` +
        "Keyset pages need a unique key in ascending order: page by the primary key, or add it as a tiebreaker (key: ['createdAt', 'id']).",
      AfterPartyExitCode.TaskFailed,
    );
  }
}
