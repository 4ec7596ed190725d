import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * What each entry of the package exports, read from the built types as an app sees them: a
 * small surface, each name documented where it is declared (JSDoc) and in the README. Reads
 * the dist/ that the Jest global setup builds.
 */
const ROOT = resolve(__dirname, '../..');
const ENTRIES = ['index', 'testing/index', 'terminus/index', 'typeorm/index', 'mongoose/index', 'dashboard/index'];

const files = ENTRIES.map((entry) => join(ROOT, 'dist', `${entry}.d.ts`));
const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 });
const checker = program.getTypeChecker();

/** Each entry's exports, by name, with the JSDoc of their declaration. */
const exported = Object.fromEntries(
  ENTRIES.map((entry, index) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(files[index])!)!;
    const symbols = checker.getExportsOfModule(module).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return { name: symbol.name, doc: ts.displayPartsToString(target.getDocumentationComment(checker)).trim() };
    });
    return [entry.replace(/\/?index$/, '') || 'main', symbols];
  }),
);

const names = (entry: string): string[] => exported[entry].map((symbol) => symbol.name).sort();

/** Names the main entry had before 0.2 and gave up: internals, tokens, and the store helpers that moved. */
const GONE = [
  'AFTER_PARTY_OPTIONS',
  'AFTER_PARTY_STORE',
  'AFTER_PARTY_TASK_METADATA',
  'DEFAULT_RECORDS_TABLE',
  'DEPLOY_ID_ENV',
  'AfterPartyCliLogger',
  'BatchCheckpoint',
  'AfterPartyStore',
  'StoreCapabilities',
  'StoreLock',
  'LockOwner',
  'RunCompletion',
  'RunUpdate',
  'DistributedBatch',
  'BatchSummary',
  'BatchLedgerCapability',
  'TransactionCapability',
  'StoreTransaction',
  'MigrationCapability',
  'FinishAndStartCapability',
  'TaskRunRecord',
  'VersionState',
  'RunControl',
  'TaskRunKind',
  'typeormKeyset',
  'mongooseKeyset',
  'createAfterPartyMigration',
  'createAfterPartyRecordEntity',
];

describe('the public API', () => {
  it('keeps store internals, injection tokens, metadata keys and store helpers out of the main entry', () => {
    expect(names('main').filter((name) => GONE.includes(name))).toEqual([]);
  });

  it('has the store helpers in their own entries', () => {
    expect(names('typeorm')).toEqual([
      'AfterPartyRecordEntityOptions',
      'AfterPartyRecordsSchemaOptions',
      'DatabasePerTenantOptions',
      'SchemaPerTenantOptions',
      'TypeOrmKeysetOptions',
      'TypeOrmTenant',
      'createAfterPartyMigration',
      'createAfterPartyRecordEntity',
      'databasePerTenant',
      'schemaPerTenant',
      'typeormKeyset',
      'typeormTenant',
    ]);
    expect(names('mongoose')).toEqual(['MongooseDatabasePerTenantOptions', 'MongooseKeysetOptions', 'MongooseTenant', 'mongooseDatabasePerTenant', 'mongooseKeyset', 'mongooseTenant']);
    expect(names('testing')).toEqual(['AfterPartyTester', 'AfterPartyTestingModule', 'AfterPartyTestingOptions', 'testTenants']);
    expect(names('terminus')).toEqual(['AfterPartyHealthIndicator', 'AfterPartyHealthOptions']);
    expect(names('dashboard')).toEqual([
      'AfterPartyDashboardActor',
      'AfterPartyDashboardAsyncOptions',
      'AfterPartyDashboardModule',
      'AfterPartyDashboardOptions',
      'AfterPartyDashboardRuntimeOptions',
    ]);
  });

  it('documents every export with JSDoc', () => {
    const undocumented = Object.entries(exported).flatMap(([entry, symbols]) => symbols.filter((symbol) => !symbol.doc).map((symbol) => `${entry}: ${symbol.name}`));
    expect(undocumented).toEqual([]);
  });

  it('names every export in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const missing = Object.entries(exported).flatMap(([entry, symbols]) =>
      symbols.filter((symbol) => !readme.includes(`\`${symbol.name}\``) && !new RegExp(`\\b${symbol.name}\\b`).test(readme)).map((symbol) => `${entry}: ${symbol.name}`),
    );
    expect(missing).toEqual([]);
  });
});
