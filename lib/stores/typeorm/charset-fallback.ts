import type { TaskRunRecord } from '../../interfaces/run-record.interface';
import type { RunCompletion } from '../../interfaces/store.interface';
import { escapeBeyond, type TextReach } from '../../records/ascii-text';
import { isCharsetError } from './charset-error';

/** Writes text as the records table can hold it: as it is, or escaped. */
export type TextFit = <T extends string | null>(text: T) => T;

const AS_IT_IS: TextFit = (text) => text;

/** The narrower the character set, the more is escaped; tried in this order. */
const REACHES: readonly TextReach[] = ['bmp', 'ascii'];

function escaping(reach: TextReach): TextFit {
  return <T extends string | null>(text: T): T => (text === null ? text : (escapeBeyond(text, reach) as T));
}

/**
 * Runs `statement` with its text as it is and, when the table's character set cannot hold
 * some of it (a table in latin1 or utf8mb3 made before after-party created them in utf8mb4, a
 * PostgreSQL database in LATIN1), again with the text escaped (4-byte characters first, then
 * all beyond ASCII), so that a run is never left `running` for want of a character. Any other
 * error, or the last charset error, is thrown.
 */
export async function withCharsetFallback<T>(statement: (fit: TextFit) => Promise<T>): Promise<T> {
  try {
    return await statement(AS_IT_IS);
  } catch (error) {
    if (!isCharsetError(error)) {
      throw error;
    }
    return retryEscaped(statement, error);
  }
}

async function retryEscaped<T>(statement: (fit: TextFit) => Promise<T>, first: unknown): Promise<T> {
  let last = first;
  for (const reach of REACHES) {
    try {
      return await statement(escaping(reach));
    } catch (error) {
      if (!isCharsetError(error)) {
        throw error;
      }
      last = error;
    }
  }
  throw last;
}

/** A record's free text fitted to the table (ids, statuses and times are ASCII already). */
export function fitRecord(record: TaskRunRecord, fit: TextFit): TaskRunRecord {
  return {
    ...record,
    version: fit(record.version),
    name: fit(record.name),
    deployId: fit(record.deployId),
    environment: fit(record.environment),
    host: fit(record.host),
    error: fit(record.error),
    actor: fit(record.actor),
  };
}

/** A completion's error fitted to the table. */
export function fitCompletion(completion: RunCompletion, fit: TextFit): RunCompletion {
  return { ...completion, error: fit(completion.error) };
}
