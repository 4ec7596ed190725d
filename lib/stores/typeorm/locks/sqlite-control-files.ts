import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { sqliteRealPath } from './sqlite-real-path';

/**
 * Pause and cancel requests to runs on a SQLite file, in files beside it
 * (`<db file>-after-party-<table>.control-<run id>`, holding `pause` or `cancel`; `<db file>` is
 * its real path, which every runner and operator on the file agrees on). A runner's
 * batch transactions hold SQLite's only write lock nearly all the time, so a request written
 * into the records table by another process could wait past the busy timeout and never arrive.
 * A file is written at once, and the runner reads it between batches.
 */
export class SqliteControlFiles {
  private readonly prefix: string;

  constructor(database: string, tableName: string) {
    this.prefix = `${sqliteRealPath(database)}-after-party-${tableName}.control-`;
  }

  /** Leaves `control` for run `runId`: written whole or not at all (a reader never sees half of it). */
  write(runId: string, control: string): void {
    const file = this.prefix + runId;
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, control);
    renameSync(partial, file);
  }

  read(runId: string): string | null {
    let text: string;
    try {
      text = readFileSync(this.prefix + runId, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
    return text === '' ? null : text;
  }

  remove(runId: string): void {
    rmSync(this.prefix + runId, { force: true });
  }

  /** The runs with a request left for them. */
  runIds(): string[] {
    const name = basename(this.prefix);
    return readdirSync(dirname(this.prefix))
      .filter((entry) => entry.startsWith(name) && !entry.endsWith('.partial'))
      .map((entry) => entry.slice(name.length));
  }
}
