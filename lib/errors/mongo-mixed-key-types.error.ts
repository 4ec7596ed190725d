import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A `mongooseKeyset` key holds values of more than one BSON type within the task's filter.
 * MongoDB compares a cursor only with values of its own type (type bracketing): `$gt` with a
 * string cursor never matches an ObjectId, so paging would silently skip every value of the
 * other type. Refused before the first batch.
 */
export class MongoMixedKeyTypesError extends AfterPartyError {
  constructor(model: string, key: string, first: string, other: string) {
    super(
      `mongooseKeyset: the key "${key}" of ${model} holds both ${first} and ${other} values, and a cursor of one type never reaches the other (MongoDB compares values of one type only), so paging would skip documents: ` +
        `filter to one type ({ ${key}: { $type: '${first}' } }) and run a second task for the other, or page by another key (the default _id).`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
