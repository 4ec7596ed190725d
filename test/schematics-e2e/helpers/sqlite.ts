import { runOrThrow } from './shell';

/**
 * Runs one SQL query against the app's SQLite file with the app's own
 * better-sqlite3 (in a child process, so the test never loads the native
 * module) and returns the rows.
 */
export function query(appDir: string, databaseFile: string, sql: string): Array<Record<string, unknown>> {
  const script = `const Database = require('better-sqlite3');
const db = new Database(${JSON.stringify(databaseFile)}, { readonly: true });
process.stdout.write(JSON.stringify(db.prepare(${JSON.stringify(sql)}).all()));`;
  return JSON.parse(runOrThrow(process.execPath, ['-e', script], appDir).stdout);
}
