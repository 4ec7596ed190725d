import type { AfterPartyStore } from '../utils/store';

/** Options of the `nest-add` schematic (see schema.json). */
export interface NestAddOptions {
  /** Where after-party keeps its records of which tasks ran. */
  store?: AfterPartyStore;
  /** The application's source root. */
  sourceRoot?: string;
  /** Do not add the npm scripts. */
  skipScripts?: boolean;
  /** Do not add the TypeORM records-table migration. */
  skipMigration?: boolean;
  /** Do not install nest-commander when it is added to package.json. */
  skipInstall?: boolean;
}
