import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/** A batched task's collection repeated a key: keyset paging would skip items, so the task stops. */
export class NonUniqueKeyError extends AfterPartyError {
  constructor(task: string, key: unknown) {
    super(
      `Task ${task}: its collection returned the key ${JSON.stringify(key)} twice in a row (or a page did not start after its cursor). ` +
        (JSON.stringify(key).includes('"@date"')
          ? `Keyset pages need a unique key in ascending order. ${DATE_PRECISION}`
          : "Keyset pages need a unique key in ascending order: page by the primary key, or add it as a tiebreaker (key: ['createdAt', 'id'])."),
      AfterPartyExitCode.TaskFailed,
    );
  }
}

/** What a date key that keeps microseconds does to keyset pages, and what to do. */
const DATE_PRECISION =
  'Dates are read into JavaScript to the millisecond: a key column that keeps microseconds (PostgreSQL timestamps) repeats or loses its order here; page by the primary key, or store the column to the millisecond.';

/** A batched task's collection returned a key lower than the one before it: paging on would repeat or skip items, so the task stops. */
export class UnorderedKeysError extends AfterPartyError {
  constructor(task: string, before: unknown, key: unknown) {
    super(
      `Task ${task}: its collection returned the key ${JSON.stringify(key)} after ${JSON.stringify(before)}, out of order. ` +
        'Keyset pages need keys that rise in the database and in JavaScript alike.' +
        (JSON.stringify([before, key]).includes('"@date"') ? ` ${DATE_PRECISION}` : ' Page by the primary key.'),
      AfterPartyExitCode.TaskFailed,
    );
  }
}
