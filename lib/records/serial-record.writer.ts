import type { AfterPartyStore } from '../interfaces/store.interface';
import type { RunRecordWriter } from '../ports/run-record-writer.interface';

/**
 * The single writer of one running record outside a transaction: progress saves and checkpoints
 * go through it in turn. A server that applies an update as a read and a write (FerretDB) would
 * otherwise let two concurrent writes overwrite each other, and a batched task's checkpoint lost
 * to a progress save means a batch done twice.
 */
export class SerialRecordWriter implements RunRecordWriter {
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<AfterPartyStore, 'updateRun'>,
    private readonly runId: string,
  ) {}

  inTurn<T>(write: () => Promise<T>): Promise<T> {
    const written = this.last.then(write);
    this.last = written.then(
      () => undefined,
      () => undefined,
    );
    return written;
  }

  saveCheckpoint(checkpoint: unknown): Promise<void> {
    return this.inTurn(() => this.store.updateRun(this.runId, { checkpoint }).then(() => undefined));
  }

  /** Resolves once every write queued so far has settled. */
  settled(): Promise<void> {
    return this.inTurn(async () => undefined);
  }
}
