import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/** A cursor the schema's setters (lowercase, uppercase, trim, set) change into another value of its type. */
export interface ChangedCursor {
  from: string;
  to: string;
}

/**
 * The model's schema casts a `mongooseKeyset` cursor to another BSON type than the collection
 * stores (a `String` path over numbers): `$gt` with the cast cursor matches none of the stored
 * values, so every page after the first would come back empty. Or its setters change a cursor
 * into another value (`lowercase` over keys stored before it: `Bob` to `bob`), and `$gt` with it
 * steps past the keys between the two. Refused before the first batch, or at the first page whose
 * cursor they would change.
 */
export class MongoKeyCastMismatchError extends AfterPartyError {
  constructor(model: string, key: string, stored: string, cast: string | ChangedCursor) {
    super(
      typeof cast === 'string'
        ? `mongooseKeyset: the key "${key}" of ${model} stores ${stored} values but the schema casts a cursor to ${cast}, so no page after the first would match: ` +
            `declare "${key}" in the schema with the type the collection stores, or page by _id.`
        : `mongooseKeyset: the schema's setters change a cursor of the key "${key}" of ${model} from ${cast.from} to ${cast.to}, so pages would step past the keys between them: ` +
            `page by _id, or by a field declared without setters (lowercase, uppercase, trim, set).`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
