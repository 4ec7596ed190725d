import type { DataSource, QueryRunner } from 'typeorm';
import type { BatchLedgerCapability, BatchSummary, DistributedBatch } from '../../interfaces/store.interface';
import { toBatch } from './batch-columns';
import { withCharsetFallback } from './charset-fallback';
import type { SqlDialect } from './dialects/sql-dialect';
import { batchesTable } from './records-schema';
import type { Statement, TypeOrmSql } from './typeorm.sql';

/**
 * The batches of distributed tasks in a table beside the run records (its statements are in
 * {@link TypeOrmSql}). Completing a batch is guarded (`status <> 'completed'`), so of two
 * deliveries of one batch only one can commit.
 */
export class TypeOrmBatchLedger implements BatchLedgerCapability {
  private preparing?: Promise<void>;
  constructor(
    private readonly dataSource: () => DataSource,
    private readonly sql: () => TypeOrmSql,
    /** The unquoted batches table name, and the dialect its columns are made in. */
    private readonly schema: () => { table: string; dialect: SqlDialect },
  ) {}

  /**
   * Creates the batches table when absent. Tenants' runs in one process prepare at once (one
   * creation between them), and another process may create it at the same moment: a creation
   * that fails because the table now exists is what was wanted.
   */
  prepare(): Promise<void> {
    this.preparing ??= this.create().finally(() => (this.preparing = undefined));
    return this.preparing;
  }

  private async create(): Promise<void> {
    const { table, dialect } = this.schema();
    const runner = this.dataSource().createQueryRunner();
    try {
      if (!(await runner.hasTable(table))) {
        await runner.createTable(batchesTable(table, dialect), true).catch(async (error: unknown) => {
          if (!(await runner.hasTable(table))) {
            throw error;
          }
        });
      }
    } finally {
      await runner.release();
    }
  }

  async clear(version: string): Promise<void> {
    await this.rows(this.sql().clearBatches(version));
  }

  async add(batch: DistributedBatch): Promise<void> {
    await this.rows(this.sql().addBatch(batch));
  }

  async list(version: string, distributionId: string, states: Array<DistributedBatch['status']> = []): Promise<DistributedBatch[]> {
    return (await this.rows<Record<string, unknown>>(this.sql().listBatches(version, distributionId, states))).map(toBatch);
  }

  async summary(version: string, distributionId: string): Promise<BatchSummary> {
    const rows = await this.rows<{ status: string; n: unknown; items: unknown }>(this.sql().batchCounts(version, distributionId));
    const [workers] = await this.rows<{ n: unknown }>(this.sql().batchWorkers(version, distributionId));
    const [failed] = await this.rows<{ batch_no: unknown; error: string | null }>(this.sql().firstFailedBatch(version, distributionId));
    const of = (status: string): { n?: unknown; items?: unknown } => rows.find((row) => row.status === status) ?? {};
    return {
      total: rows.reduce((sum, row) => sum + Number(row.n), 0),
      completed: Number(of('completed').n ?? 0),
      failed: Number(of('failed').n ?? 0),
      queued: Number(of('queued').n ?? 0),
      itemsDone: Number(of('completed').items ?? 0),
      workers: Number(workers?.n ?? 0),
      firstError: failed?.error ?? null,
      firstFailedBatch: failed ? Number(failed.batch_no) : null,
    };
  }

  async state(version: string, distributionId: string, batchNo: number): Promise<DistributedBatch['status'] | null> {
    const [row] = await this.rows<{ status: DistributedBatch['status'] }>(this.sql().batchState({ version, distributionId, batchNo }));
    return row?.status ?? null;
  }

  async complete(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    const runner = this.dataSource().createQueryRunner();
    try {
      return await this.completeIn(runner, version, distributionId, batchNo, worker);
    } finally {
      await runner.release();
    }
  }

  /** The guarded completion, on a query runner of the caller's (a transaction's). */
  async completeIn(runner: QueryRunner, version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    const { sql, params } = this.sql().completeBatch({ version, distributionId, batchNo }, worker, new Date().toISOString());
    return (await runner.query(sql, params, true)).affected === 1;
  }

  async fail(version: string, distributionId: string, batchNo: number, error: string, attempts: number): Promise<void> {
    // The error escaped where the table's character set lacks some of it, as a run's is.
    await withCharsetFallback((fit) => this.rows(this.sql().failBatch({ version, distributionId, batchNo }, fit(error), attempts, new Date().toISOString())));
  }

  async requeue(version: string, distributionId: string): Promise<number> {
    const { sql, params } = this.sql().requeueBatches(version, distributionId);
    const runner = this.dataSource().createQueryRunner();
    try {
      return (await runner.query(sql, params, true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  }

  private rows<T = unknown>({ sql, params }: Statement): Promise<T[]> {
    return this.dataSource().query(sql, params);
  }
}
