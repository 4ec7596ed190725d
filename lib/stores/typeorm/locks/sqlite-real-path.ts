import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The one path of a SQLite database file however a runner reaches it (a symlink to the file,
 * a relative path, `dir/link/../db.sqlite`): the run lock and the control files are named after
 * it, so that every runner on the file meets the same ones. A file not created yet is named by
 * its directory's real path, which is what it will have once created; a directory not there
 * either, by the absolute path as given.
 */
export function sqliteRealPath(database: string): string {
  // The operating system's realpath, not Node's JavaScript one, which drops `link/..` as text
  // first: `link/..` is the parent of the link's target, as SQLite opens it.
  try {
    return realpathSync.native(database);
  } catch {
    try {
      return join(realpathSync.native(dirname(database)), basename(database));
    } catch {
      return resolve(database);
    }
  }
}
