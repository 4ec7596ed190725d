import type { DataSource, QueryRunner } from 'typeorm';
import type { RunCompletion, RunUpdate, StoreTransaction } from '../../interfaces/store.interface';
import type { TypeOrmSql } from './typeorm.sql';
import type { TypeOrmBatchLedger } from './typeorm.batch-ledger';

/**
 * A transaction on a connection of its own (SQLite has one connection, shared by the app), whose
 * `EntityManager` task code writes through and in which run records can be written too.
 */
export class TypeOrmTransaction implements StoreTransaction {
  private ended = false;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly runner: QueryRunner,
    private readonly sql: TypeOrmSql,
    private readonly writeError: (error: unknown) => Error,
    private readonly ledger: TypeOrmBatchLedger,
    private readonly onEnd: () => void,
  ) {}

  /** Starts a transaction; `onEnd` is called once when it ends (or fails to start). */
  static async begin(
    dataSource: DataSource,
    sql: TypeOrmSql,
    writeError: (error: unknown) => Error,
    ledger: TypeOrmBatchLedger,
    onEnd: () => void = () => undefined,
  ): Promise<TypeOrmTransaction> {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
    } catch (error) {
      await runner.release().finally(onEnd);
      throw error;
    }
    return new TypeOrmTransaction(dataSource, runner, sql, writeError, ledger, onEnd);
  }

  get manager(): unknown {
    return this.runner.manager;
  }

  async updateRun(id: string, update: RunUpdate): Promise<boolean> {
    const statement = this.sql.update(id, update);
    return statement === null || (await this.runner.query(statement.sql, statement.params, true)).affected === 1;
  }

  async finishRun(id: string, completion: RunCompletion): Promise<boolean> {
    const { sql, params } = this.sql.finish(id, completion);
    try {
      return (await this.runner.query(sql, params, true)).affected === 1;
    } catch (error) {
      throw this.writeError(error);
    }
  }

  completeBatch(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    return this.ledger.completeIn(this.runner, version, distributionId, batchNo, worker);
  }

  async commit(): Promise<void> {
    this.ended = true;
    try {
      await this.runner.commitTransaction();
    } catch (error) {
      if (this.runner.isTransactionActive) {
        await this.runner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    } finally {
      await this.runner.release().finally(this.onEnd);
    }
  }

  async rollback(force = false): Promise<void> {
    if (this.ended) {
      return;
    }
    this.ended = true;
    try {
      if (force && (await this.closeOnServer())) {
        return;
      }
      try {
        if (this.runner.isTransactionActive) {
          await this.runner.rollbackTransaction();
        }
      } finally {
        await this.runner.release();
      }
    } finally {
      this.onEnd();
    }
  }

  /**
   * Ends a transaction whose work may still be in flight: its backend is terminated from
   * another connection (the server rolls it back), and the connection is never pooled again.
   * SQLite has nothing to terminate: its statements never overlap ours, so a rollback does.
   */
  private async closeOnServer(): Promise<boolean> {
    const connection = (this.runner as unknown as { databaseConnection?: { processID?: number; threadId?: number } })
      .databaseConnection;
    const id = connection?.processID ?? connection?.threadId;
    const terminate = id ? this.sql.terminate(id) : null;
    if (!terminate) {
      return false;
    }
    await this.dataSource.query(terminate.sql, terminate.params);
    if (this.dataSource.options.type === 'postgres') {
      await (this.runner as unknown as { releasePostgresConnection(error: Error): Promise<void> }).releasePostgresConnection(
        new Error('after-party abandoned this transaction'),
      );
    } else {
      // The server closes the killed connection: its pending query fails, and the pool drops it.
      (this.runner as { isReleased: boolean }).isReleased = true;
    }
    return true;
  }
}
