import { AfterPartyExitCode } from '../exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * The model's schema casts a `mongooseKeyset` cursor to another BSON type than the collection
 * stores (a `String` path over numbers): `$gt` with the cast cursor matches none of the stored
 * values, so every page after the first would come back empty. Refused before the first batch.
 */
export class MongoKeyCastMismatchError extends AfterPartyError {
  constructor(model: string, key: string, stored: string, cast: string) {
    super(
      `mongooseKeyset: the key "${key}" of ${model} stores ${stored} values but the schema casts a cursor to ${cast}, so no page after the first would match: ` +
        `declare "${key}" in the schema with the type the collection stores, or page by _id.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
