import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A `mongooseKeyset` key the model's schema does not declare, with `strictQuery` on: Mongoose
 * drops every query condition on an undeclared path, the cursor's `$gt` too, so each page would be
 * the first one again. Refused before the first batch.
 */
export class MongoUndeclaredKeyError extends AfterPartyError {
  constructor(model: string, key: string) {
    super(
      `mongooseKeyset: the key "${key}" is not a path of ${model}'s schema, and with strictQuery Mongoose drops conditions on it (the cursor's too), so every page would be the first: ` +
        `declare "${key}" in the schema with the type the collection stores, or page by _id.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
