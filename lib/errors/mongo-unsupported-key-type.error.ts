import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A `mongooseKeyset` key of a kind keyset pages cannot step through: an array (a document matches
 * a cursor by any of its elements and sorts by its smallest), or a BSON type whose cursor does not
 * come back as itself from its checkpoint (embedded documents, binary data, timestamps...), or NaN.
 */
export class MongoUnsupportedKeyTypeError extends AfterPartyError {
  constructor(model: string, key: string, type: string) {
    super(
      type === 'array'
        ? `mongooseKeyset: the key "${key}" of ${model} holds an array, which keyset pages cannot step through (a document matches a cursor by any element): page by _id, or by a field with one value per document.`
        : type === 'NaN'
          ? `mongooseKeyset: the key "${key}" of ${model} holds NaN, which a checkpoint cannot keep as a cursor (JSON has no NaN, and a resumed run would step past every number): add { ${key}: { $gte: -Infinity } } to the filter (it keeps every other number), or page by _id.`
          : `mongooseKeyset: the key "${key}" of ${model} holds ${type} values; keyset pages step by numbers, strings, ObjectIds, dates or booleans only: page by _id, or by a field of one of those types.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
