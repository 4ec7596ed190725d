import { createAfterPartyMigration } from 'after-party';

/** The after-party records table, managed like the rest of the schema. */
export class AfterPartyRecords1764150000001 extends createAfterPartyMigration() {}
