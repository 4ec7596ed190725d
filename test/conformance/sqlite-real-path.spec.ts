import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DataSource } from 'typeorm';
import { LockTimeoutError } from '../../lib/errors/lock-timeout.error';
import type { AfterPartyStore, LockOwner } from '../../lib/interfaces/store.interface';
import { SqliteFileLock } from '../../lib/stores/typeorm/locks/sqlite-file.lock';
import { TypeOrmStore } from '../../lib/stores/typeorm/typeorm.store';
import { lockTiming } from '../../lib/stores/watched-lock';
import { runRecord } from '../support/run-records';

const owner = (pid: number): LockOwner => ({ id: `owner-${pid}`, host: 'test-host', pid, since: new Date().toISOString() });

describe('SQLite run lock and control files: one database file reached through different paths', () => {
  const table = 'ap_real_path';
  let dir: string;
  let file: string;
  const sources: DataSource[] = [];

  /** A store on its own data source opened at `path`, as another runner configured differently would. */
  const storeAt = async (path: string): Promise<AfterPartyStore> => {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: path });
    await dataSource.initialize();
    sources.push(dataSource);
    return new TypeOrmStore(() => dataSource, table, lockTiming(30_000));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'after-party-real-path-'));
    mkdirSync(join(dir, 'data', 'deep'), { recursive: true });
    file = join(dir, 'data', 'db.sqlite');
    // A link to the file itself, and a link to a directory below it (`deep/..` is then `data/`).
    symlinkSync(file, join(dir, 'alias.sqlite'));
    symlinkSync(join(dir, 'data', 'deep'), join(dir, 'deep-link'));
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => source.destroy()));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['a symlink to the file', () => join(dir, 'alias.sqlite')],
    // Written out: path.join would drop `deep-link/..` as text, where the operating system follows the link first.
    ['a path through a symlinked directory and ..', () => `${dir}/deep-link/../db.sqlite`],
    ['a relative path', () => relative(process.cwd(), file)],
  ])('excludes a runner that reaches the file through %s', async (_, path) => {
    const first = await storeAt(file);
    const second = await storeAt(path());
    await first.prepare();
    const lock = await first.acquireLock(owner(1), 0);
    try {
      await expect(second.acquireLock(owner(2), 0)).rejects.toBeInstanceOf(LockTimeoutError);
    } finally {
      await lock.release();
    }
    const taken = await second.acquireLock(owner(2), 0);
    await expect(first.acquireLock(owner(1), 0)).rejects.toBeInstanceOf(LockTimeoutError);
    await taken.release();
  });

  it('names one lock file for a database file that does not exist yet, by its directory\'s real path', () => {
    // TypeORM creates the file when it connects; a lock made before that must agree with one made after.
    const lockAt = (database: string): string => new SqliteFileLock({ options: { database } } as unknown as DataSource, table, owner(1)).name;
    expect(lockAt(`${dir}/deep-link/../fresh.sqlite`)).toBe(lockAt(join(dir, 'data', 'fresh.sqlite')));
    expect(lockAt(join(dir, 'data', 'fresh.sqlite'))).toContain(join(realpathSync(dir), 'data', 'fresh.sqlite'));
  });

  it('delivers a pause request made through a symlink to the runner that opened the file by its own path', async () => {
    const runner = await storeAt(file);
    const operator = await storeAt(join(dir, 'alias.sqlite'));
    await runner.prepare();
    const record = runRecord('20260101000001');
    await runner.insertRun(record);
    expect(await operator.requestControl(record.version, 'pause')).toBe(true);
    expect(await runner.readControl(record.id)).toEqual({ control: 'pause', actor: null });
  });
});
