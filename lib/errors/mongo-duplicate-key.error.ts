import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * Two documents within a `mongooseKeyset` filter share a value of a key other than `_id`: a page
 * ending between them would skip the second (its `$gt` cursor is already past it). Refused
 * before the first batch.
 */
export class MongoDuplicateKeyError extends AfterPartyError {
  constructor(model: string, key: string, value: unknown) {
    super(
      `mongooseKeyset: the key "${key}" of ${model} is not unique (more than one document has ${describe(value)}), so paging would skip documents: ` +
        `page by _id (the default), or give "${key}" a unique index once its values are unique.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}

/** A key value as the message shows it: ObjectIds and dates by their text. */
function describe(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' && value !== null ? String(value) : value;
  return JSON.stringify(text) ?? String(value);
}
