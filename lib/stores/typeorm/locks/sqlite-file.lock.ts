import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { StoreUnavailableError } from '../../../errors/store-unavailable.error';
import type { LockOwner, StoreLock } from '../../../interfaces/store.interface';
import { describeOwner } from '../../describe-owner';
import type { TryLock } from '../../poll-lock';
import { steadyLock } from '../../watched-lock';
import { sqliteRealPath } from './sqlite-real-path';

interface LockDatabase {
  exec(sql: string): unknown;
  close(): unknown;
}
type DatabaseConstructor = new (file: string, options: { timeout: number }) => LockDatabase;

/**
 * Excludes other processes that use the same SQLite file: an exclusive transaction on a
 * companion lock database (`<db file>-after-party-<table>.lock`, named after the file's real
 * path, so that runners reaching it through a symlink or another relative path share it).
 * SQLite's file locks belong to the process, so the operating system frees them when a runner
 * dies. The lock database is separate from the app's file so that tasks can keep writing to
 * the app's database.
 */
export class SqliteFileLock implements TryLock<StoreLock> {
  readonly name: string;
  private readonly lockPath: string;

  constructor(
    private readonly dataSource: DataSource,
    tableName: string,
    private readonly owner: LockOwner,
  ) {
    const database = String((dataSource.options as { database?: string }).database);
    this.lockPath = `${sqliteRealPath(database)}-after-party-${tableName}.lock`;
    this.name = `SQLite lock file ${this.lockPath}`;
  }

  async tryAcquire(): Promise<StoreLock | null> {
    const Database = this.driverLibrary();
    const db = new Database(this.lockPath, { timeout: 0 });
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        return null;
      }
      throw error;
    }
    writeFileSync(`${this.lockPath}.holder`, JSON.stringify(this.owner));
    // The operating system holds the file lock for as long as this process lives: it cannot be lost.
    return steadyLock(async () => {
      rmSync(`${this.lockPath}.holder`, { force: true });
      db.exec('ROLLBACK');
      db.close();
    });
  }

  async describeHolder(): Promise<string | undefined> {
    try {
      return describeOwner(JSON.parse(readFileSync(`${this.lockPath}.holder`, 'utf8')) as LockOwner);
    } catch {
      return undefined;
    }
  }

  private driverLibrary(): DatabaseConstructor {
    const fromDriver = (this.dataSource.driver as { sqlite?: unknown }).sqlite;
    if (typeof fromDriver === 'function' && this.dataSource.options.type === 'better-sqlite3') {
      return fromDriver as DatabaseConstructor;
    }
    try {
      return require('better-sqlite3') as DatabaseConstructor;
    } catch {
      throw new StoreUnavailableError('The SQLite run lock needs better-sqlite3: npm install better-sqlite3');
    }
  }
}
