import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A `mongooseKeyset` document whose key is null or missing. A null key is never returned after a
 * cursor (`$gt` compares with values of the cursor's type only), and a missing one gives no cursor
 * at all (it sorts first, so the first page would be read again forever). Refused before the first
 * batch, and if such a document still turns up in a page, before that page is processed.
 */
export class MongoNullKeyError extends AfterPartyError {
  constructor(model: string, key: string, found: 'null' | 'missing', id?: unknown) {
    const which = id === undefined ? 'a document' : `the document ${JSON.stringify(String(id))}`;
    super(
      `mongooseKeyset: ${which} of ${model} has ${found === 'null' ? `null as its key "${key}"` : `no key "${key}"`}, which keyset pages can never step past: ` +
        `add { ${key}: { $exists: true, $ne: null } } to the filter (and handle those documents another way), or page by _id.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
