import { createAfterPartyMigration } from 'after-party/typeorm';

/** The after-party records table, managed like the rest of the schema. */
export class AfterPartyRecords1764150000001 extends createAfterPartyMigration() {}
