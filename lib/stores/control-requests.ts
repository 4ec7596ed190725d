import type { RunControl } from '../interfaces/run-record.interface';

/**
 * Where one store keeps operators' pause and cancel requests. It only reads and writes; the
 * rules are {@link ControlRequests}'.
 */
export interface ControlBackend {
  /** The ids of the runs of `version` that are running now. */
  runningRuns(version: string): Promise<string[]>;
  /** Leaves `control` for run `id`. */
  write(id: string, control: RunControl): Promise<void>;
  /** The request left for run `id`, or null. */
  read(id: string): Promise<RunControl | null>;
  /**
   * Present where requests are kept apart from the run records (files, documents, entries of
   * their own), which then have to be forgotten once their run ended. Absent where a request is
   * written into its run's record and ends with it.
   */
  readonly apart?: {
    /** The runs with a request left for them. */
    requested(): Promise<string[]>;
    /** Of `ids`, the runs still running. */
    stillRunning(ids: string[]): Promise<string[]>;
    remove(ids: string[]): Promise<void>;
  };
}

/**
 * Pause and cancel requests, by the same rules on every store:
 *
 * - any process, on any host, may ask; a request reaches the runs of the version that are running
 *   when it is made, and says whether there was one. A run that is not running gets none: it
 *   never runs again (a resumed or retried task is a new run, with a new id), so no request can
 *   be left waiting for it.
 * - the runner reads its own run's request between batches; nothing clears a request while its
 *   run runs (a pause asked twice is one pause, a cancel after a pause wins).
 * - a request kept apart from the records is forgotten once its run ended: when the store records
 *   the end ({@link ended}, where that costs no round trip), and for every ended run at the next
 *   request.
 */
export class ControlRequests {
  constructor(private readonly backend: ControlBackend) {}

  /** Asks the running runs of `version` to pause or cancel; false when none runs. */
  async request(version: string, control: RunControl): Promise<boolean> {
    const running = await this.backend.runningRuns(version);
    for (const id of running) {
      await this.backend.write(id, control);
    }
    await this.forgetEnded();
    return running.length > 0;
  }

  /** What was asked of run `id`, or null. */
  read(id: string): Promise<RunControl | null> {
    return this.backend.read(id);
  }

  /** Run `id` has ended: a request left apart for it goes. */
  async ended(id: string): Promise<void> {
    await this.backend.apart?.remove([id]);
  }

  private async forgetEnded(): Promise<void> {
    const apart = this.backend.apart;
    const ids = (await apart?.requested()) ?? [];
    if (!apart || ids.length === 0) {
      return;
    }
    const live = new Set(await apart.stillRunning(ids));
    const ended = ids.filter((id) => !live.has(id));
    if (ended.length > 0) {
      await apart.remove(ended);
    }
  }
}
