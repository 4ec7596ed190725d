import { join, normalize } from '@angular-devkit/core';
import { Tree } from '@angular-devkit/schematics';

/** What nest-add found about the application's TypeORM migrations. */
export interface TypeOrmMigrationsSetup {
  /** The file that configures migrations (TypeOrmModule.forRoot or a DataSource). */
  readonly configPath: string;
  /** The folder where the records-table migration goes. */
  readonly migrationsDir: string;
}

/**
 * What marks a file as TypeORM configuration: the calls that take the options, the option types
 * a shared config file is typed with, or a TypeORM driver named as `type` (a `registerAs` config).
 */
const TYPEORM_CONFIG = new RegExp(
  [
    /TypeOrmModule\.forRoot(?:Async)?\s*\(/,
    /new\s+DataSource\s*\(/,
    /\b(?:DataSourceOptions|TypeOrmModuleOptions|PostgresConnectionOptions|MysqlConnectionOptions)\b/,
    /\btype\s*:\s*['"](?:postgres|mysql|mariadb|sqlite|better-sqlite3|mssql|oracle|cockroachdb|sqljs|aurora-mysql|aurora-postgres)['"]/,
  ]
    .map((pattern) => pattern.source)
    .join('|'),
);
const MIGRATIONS_KEY = /\bmigrations\s*:/;
const MIGRATION_FACTORY_CALL = /\bcreateAfterPartyMigration\s*\(/;

/**
 * Detects whether the application runs TypeORM migrations: a .ts file under
 * the source root, or at the project root (e.g. data-source.ts), that holds
 * TypeORM options with a `migrations` option: in `TypeOrmModule.forRoot(...)`
 * or `new DataSource(...)`, or in a config file they share (typed
 * `DataSourceOptions` or `TypeOrmModuleOptions`, or a `registerAs` factory
 * naming a TypeORM driver as `type`). The migration folder is an existing `migrations` folder under the
 * source root, else `<sourceRoot>/migrations`.
 *
 * @returns undefined when migrations are not used.
 */
export function findTypeOrmMigrations(tree: Tree, sourceRoot: string): TypeOrmMigrationsSetup | undefined {
  let configPath: string | undefined;
  for (const path of typeScriptFiles(tree, sourceRoot)) {
    const text = tree.read(path)?.toString('utf-8') ?? '';
    if (TYPEORM_CONFIG.test(text) && MIGRATIONS_KEY.test(text)) {
      configPath = path;
      break;
    }
  }
  if (!configPath) return undefined;

  const folders: string[] = [];
  tree.getDir(sourceRoot).visit((path) => {
    const folder = path.slice(0, path.lastIndexOf('/'));
    if (folder.endsWith('/migrations')) folders.push(folder.replace(/^\//, ''));
  });
  folders.sort((a, b) => a.length - b.length || a.localeCompare(b));
  return { configPath, migrationsDir: folders[0] ?? join(normalize(sourceRoot), 'migrations') };
}

/** True when some file under the source root already uses createAfterPartyMigration(). */
export function hasAfterPartyMigration(tree: Tree, sourceRoot: string): boolean {
  return typeScriptFiles(tree, sourceRoot).some((path) =>
    MIGRATION_FACTORY_CALL.test(tree.read(path)?.toString('utf-8') ?? ''),
  );
}

/** .ts files under the source root and directly in the project root, specs excluded. */
function typeScriptFiles(tree: Tree, sourceRoot: string): string[] {
  const files: string[] = tree.root.subfiles.filter((name) => name.endsWith('.ts'));
  tree.getDir(sourceRoot).visit((path) => {
    if (path.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(path)) files.push(path.replace(/^\//, ''));
  });
  return files.filter((path) => !/\.(spec|test)\.ts$/.test(path));
}
