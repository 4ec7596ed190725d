import type { DataSource, QueryRunner } from 'typeorm';
import type { BatchLedgerCapability, BatchSummary, DistributedBatch } from '../../interfaces/store.interface';
import { BATCH_COLUMNS, batchesTableName, batchParams, toBatch } from './batch-columns';
import { withCharsetFallback } from './charset-fallback';
import type { SqlDialect } from './dialects/sql-dialect';
import { batchesTable } from './records-schema';

/** Runs a statement and returns TypeORM's structured result (`affected`). */
type Structured = (sql: string, params: unknown[]) => Promise<{ affected?: number }>;

/**
 * The batches of distributed tasks in a table beside the run records. Completing a batch is
 * guarded (`status <> 'completed'`), so of two deliveries of one batch only one can commit.
 */
export class TypeOrmBatchLedger implements BatchLedgerCapability {
  constructor(
    private readonly dataSource: () => DataSource,
    private readonly recordsTable: () => string,
    private readonly dialect: () => SqlDialect,
  ) {}

  async prepare(): Promise<void> {
    const runner = this.dataSource().createQueryRunner();
    try {
      if (!(await runner.hasTable(batchesTableName(this.recordsTable())))) {
        await runner.createTable(batchesTable(batchesTableName(this.recordsTable()), this.dialect()), true);
      }
    } finally {
      await runner.release();
    }
  }

  async clear(version: string): Promise<void> {
    await this.query(`DELETE FROM ${this.table} WHERE version = ${this.p(1)}`, [version]);
  }

  async add(batch: DistributedBatch): Promise<void> {
    const columns = BATCH_COLUMNS.map((column) => this.quote(column.name)).join(', ');
    const values = BATCH_COLUMNS.map((_, index) => this.p(index + 1)).join(', ');
    await this.query(this.dialect().insertIgnoring(this.table, columns, values), batchParams(batch, this.dialect()));
  }

  async list(version: string, distributionId: string, states: Array<DistributedBatch['status']> = []): Promise<DistributedBatch[]> {
    const params: unknown[] = [version, distributionId, ...states];
    const inStates = states.length > 0 ? ` AND status IN (${states.map((_, index) => this.p(index + 3)).join(', ')})` : '';
    const rows: Array<Record<string, unknown>> = await this.query(
      `SELECT ${this.selectList()} FROM ${this.table} WHERE version = ${this.p(1)} AND distribution_id = ${this.p(2)}${inStates} ORDER BY batch_no`,
      params,
    );
    return rows.map(toBatch);
  }

  async summary(version: string, distributionId: string): Promise<BatchSummary> {
    const where = `WHERE version = ${this.p(1)} AND distribution_id = ${this.p(2)}`;
    const rows: Array<{ status: string; n: unknown; items: unknown }> = await this.query(
      `SELECT status, COUNT(*) AS n, SUM(items) AS items FROM ${this.table} ${where} GROUP BY status`,
      [version, distributionId],
    );
    const [workers] = await this.query(`SELECT COUNT(DISTINCT worker) AS n FROM ${this.table} ${where} AND status = ${this.p(3)}`, [
      version,
      distributionId,
      'completed',
    ]);
    const [failed] = await this.query(`SELECT batch_no, error FROM ${this.table} ${where} AND status = ${this.p(3)} ORDER BY batch_no LIMIT 1`, [
      version,
      distributionId,
      'failed',
    ]);
    const count = (status: string): number => Number(rows.find((row) => row.status === status)?.n ?? 0);
    return {
      total: rows.reduce((sum, row) => sum + Number(row.n), 0),
      completed: count('completed'),
      failed: count('failed'),
      queued: count('queued'),
      itemsDone: Number(rows.find((row) => row.status === 'completed')?.items ?? 0),
      workers: Number(workers?.n ?? 0),
      firstError: (failed?.error as string | undefined) ?? null,
      firstFailedBatch: failed ? Number(failed.batch_no) : null,
    };
  }

  async state(version: string, distributionId: string, batchNo: number): Promise<DistributedBatch['status'] | null> {
    const [row] = await this.query(
      `SELECT status FROM ${this.table} WHERE version = ${this.p(1)} AND distribution_id = ${this.p(2)} AND batch_no = ${this.p(3)}`,
      [version, distributionId, batchNo],
    );
    return (row?.status as DistributedBatch['status'] | undefined) ?? null;
  }

  complete(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    return this.completeWith((sql, params) => this.structured(sql, params), version, distributionId, batchNo, worker);
  }

  /** The guarded completion, on a transaction's own query runner. */
  completeIn(runner: QueryRunner, version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    return this.completeWith((sql, params) => runner.query(sql, params, true), version, distributionId, batchNo, worker);
  }

  async fail(version: string, distributionId: string, batchNo: number, error: string, attempts: number): Promise<void> {
    // The error escaped where the table's character set lacks some of it, as a run's is.
    await withCharsetFallback((fit) =>
      this.query(
        `UPDATE ${this.table} SET status = ${this.p(1)}, error = ${this.p(2)}, attempts = ${this.p(3)}, updated_at = ${this.p(4)}
         WHERE version = ${this.p(5)} AND distribution_id = ${this.p(6)} AND batch_no = ${this.p(7)} AND status <> ${this.p(8)}`,
        ['failed', fit(error), attempts, this.dialect().time(new Date().toISOString()), version, distributionId, batchNo, 'completed'],
      ),
    );
  }

  async requeue(version: string, distributionId: string): Promise<number> {
    const result = await this.structured(
      `UPDATE ${this.table} SET status = ${this.p(1)}, error = NULL WHERE version = ${this.p(2)} AND distribution_id = ${this.p(3)} AND status = ${this.p(4)}`,
      ['queued', version, distributionId, 'failed'],
    );
    return result.affected ?? 0;
  }

  private async completeWith(query: Structured, version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    const result = await query(
      `UPDATE ${this.table} SET status = ${this.p(1)}, worker = ${this.p(2)}, error = NULL, updated_at = ${this.p(3)}
       WHERE version = ${this.p(4)} AND distribution_id = ${this.p(5)} AND batch_no = ${this.p(6)} AND status <> ${this.p(7)}`,
      ['completed', worker, this.dialect().time(new Date().toISOString()), version, distributionId, batchNo, 'completed'],
    );
    return result.affected === 1;
  }

  private selectList(): string {
    return BATCH_COLUMNS.map(({ name, kind }) => {
      const read = this.dialect().read(name, kind);
      return read === name ? name : `${read} AS ${name}`;
    }).join(', ');
  }

  private get table(): string {
    return batchesTableName(this.recordsTable()).split('.').map((part) => this.quote(part)).join('.');
  }

  private quote(identifier: string): string {
    return this.dataSource().driver.escape(identifier);
  }

  private p(index: number): string {
    return this.dialect().param(index);
  }

  private query(sql: string, params: unknown[]): Promise<any> {
    return this.dataSource().query(sql, params);
  }

  private async structured(sql: string, params: unknown[]): Promise<{ affected?: number }> {
    const runner = this.dataSource().createQueryRunner();
    try {
      return await runner.query(sql, params, true);
    } finally {
      await runner.release();
    }
  }
}
