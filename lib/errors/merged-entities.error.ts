import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * TypeORM made fewer entities of a `typeormKeyset` page than the page had keys: it groups rows
 * into entities by their primary key as JavaScript reads it, so rows whose keys read the same
 * (SQLite integers past 2^53, read as rounded numbers) become one entity and the others would
 * never be processed. The task stops before that page is processed.
 */
export class MergedEntitiesError extends AfterPartyError {
  constructor(keys: number, entities: number) {
    super(
      `typeormKeyset: a page of ${keys} distinct keys made ${entities} entities: TypeORM merges rows whose primary key reads the same in JavaScript (SQLite integers past 2^53 read as rounded numbers), and the rest would never be processed; read the rows with \`plain: true\`, whose keys are read exactly.`,
      AfterPartyExitCode.TaskFailed,
    );
  }
}
