import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import type { RegisteredTask } from '../../lib/discovery/registered-task.interface';
import { TaskRegistry } from '../../lib/discovery/task.registry';
import { AfterPartyEvents } from '../../lib/events/after-party.events';
import { resolveOptions } from '../../lib/config/resolve-options';
import { TaskRunner } from '../../lib/runner/task.runner';
import { OperatorCore } from '../../lib/operator/operator.core';
import { StatusService } from '../../lib/status/status.service';
import { DistributionService } from '../../lib/distribution/distribution.service';
import type { ModuleRef } from '@nestjs/core';
import { TypeOrmStore } from '../../lib/stores/typeorm/typeorm.store';
import { lockTiming } from '../../lib/stores/watched-lock';

/** Counts the SQL statements a data source sends. */
class CountingLogger implements TypeOrmLogger {
  count = 0;
  commits = 0;
  logQuery(query: string): void {
    this.count += 1;
    this.commits += /^COMMIT/i.test(query) ? 1 : 0;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

function tasks(n: number): RegisteredTask[] {
  return Array.from({ length: n }, (_, i) => ({
    version: `2026010${1 + Math.floor(i / 10000)}${String(i % 10000).padStart(6, '0')}`,
    name: `task-${i}`,
    description: '',
    className: `Task${i}`,
    everyDeploy: false,
    transaction: false,
    timeout: null,
    environments: null,
    perTenant: false,
    kind: 'plain',
    batch: null,
    instance: { run: () => undefined },
  }));
}

describe('query counts (TypeORM store, SQLite)', () => {
  let dir: string;
  let dataSource: DataSource;
  let logger: CountingLogger;

  // Hundreds of tasks run here: their log lines would drown the test output.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'after-party-queries-'));
    logger = new CountingLogger();
    dataSource = new DataSource({ type: 'better-sqlite3', database: join(dir, 'db.sqlite'), logging: ['query'], logger });
    await dataSource.initialize();
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runnerWith(completed: number, total: number): Promise<TaskRunner & { core: OperatorCore }> {
    const store = new TypeOrmStore(() => dataSource, 'after_party_runs', lockTiming(30_000));
    const registry = new TaskRegistry();
    const all = tasks(total);
    registry.load(all);
    const options = resolveOptions('typeorm', { environment: 'test' });
    const distribution = new DistributionService(options, {} as ModuleRef);
    const runner = new TaskRunner(store, options, registry, new AfterPartyEvents(), distribution);
    const core = new OperatorCore(runner, registry, new StatusService(store, options, registry), distribution, store, options);
    const versions = all.slice(0, completed).map((task) => task.version);
    // Nothing to mark still prepares the records table, as a mark-done does.
    const which = versions.length > 0 ? { tasks: versions, before: undefined } : { tasks: [], before: '19700101000000' };
    await core.markDone({ surface: 'cli', ...which, all: false, lockTimeoutMs: 0 });
    return Object.assign(runner, { core });
  }

  it.each([
    [5, 10],
    [800, 1000],
  ])('computes what is pending with one query (%p of %p tasks completed)', async (completed, total) => {
    const runner = await runnerWith(completed, total);
    logger.count = 0;
    const { tasks: pending } = await runner.core.plan({ tasks: [], deployId: null });
    expect(pending).toHaveLength(total - completed);
    expect(logger.count).toBe(1);
  });

  it('spends the same number of queries on a nothing-pending run whatever the history size', async () => {
    const counts: number[] = [];
    for (const total of [10, 1000]) {
      const runner = await runnerWith(total, total);
      logger.count = 0;
      const report = await runner.run({ tasks: [], deployId: null, lockTimeoutMs: 0, migrate: false, terminal: false });
      expect(report.outcomes).toEqual([]);
      counts.push(logger.count);
      await dataSource.query('DROP TABLE after_party_runs');
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(4);
  });

  it('spends a constant number of statements, and one commit, per fresh task', async () => {
    const counts: Array<{ statements: number; commits: number }> = [];
    for (const total of [10, 200]) {
      const runner = await runnerWith(0, total);
      logger.count = 0;
      logger.commits = 0;
      await runner.run({ tasks: [], deployId: null, lockTimeoutMs: 0, migrate: false, terminal: false });
      counts.push({ statements: logger.count, commits: logger.commits });
      await dataSource.query('DROP TABLE after_party_runs');
    }
    // Per task: one transaction that completes it and starts the next (BEGIN, UPDATE, INSERT, COMMIT).
    expect((counts[1].statements - counts[0].statements) / 190).toBe(4);
    expect((counts[1].commits - counts[0].commits) / 190).toBe(1);
  });
});
