import type { TaskInterruption } from '../errors/task-interruption.error';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { RunCompletion } from '../interfaces/store.interface';

/** What every end carries: the task's run record and how it ended. */
interface Ended {
  record: TaskRunRecord;
  completion: RunCompletion;
}

/**
 * How one task's run ended, and so what the run loop still has to write for it:
 * - `settled`: the run loop records `completion` (a completion may start the next task in the same write);
 * - `recorded`: already recorded, in the task's transaction together with its work;
 * - `taken over`: another runner took the record over (the lock was lost), nothing more may be written for it;
 * - `detached`: a distributed task left to its workers (`--no-wait`), whose record stays running.
 */
export type TaskEnd =
  | (Ended & {
      end: 'settled';
      /** What went wrong, whole, for the log. */
      error?: unknown;
      /** The task kept running after its abort and grace period: the process must exit when done. */
      abandoned: boolean;
    })
  | (Ended & { end: 'recorded' })
  | (Ended & { end: 'taken over'; error: TaskInterruption })
  | (Ended & {
      end: 'detached';
      /** Why, for the log. */
      reason: string;
    });

/** A run the run loop records: how it ended, and what went wrong if anything. */
export function settled(record: TaskRunRecord, completion: RunCompletion, error?: unknown, abandoned = false): TaskEnd {
  return { end: 'settled', record, completion, error, abandoned };
}
