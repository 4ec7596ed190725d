import type { ControlRequest, RunControl } from '../interfaces/run-record.interface';

/** The longest request a store keeps: the records table's short column holds it on SQL. */
export const MAX_CONTROL_LENGTH = 64;

/** A request as the stores keep it: `pause`, or `pause <who asked>`, cut to {@link MAX_CONTROL_LENGTH}. */
export function encodeControl(request: ControlRequest): string {
  const actor = request.actor?.replace(/\s+/g, ' ').trim();
  return actor ? `${request.control} ${actor}`.slice(0, MAX_CONTROL_LENGTH) : request.control;
}

/** A kept request read back; what is not one (or nothing) is null. */
export function decodeControl(value: string | null | undefined): ControlRequest | null {
  if (!value) {
    return null;
  }
  const space = value.indexOf(' ');
  const control = space < 0 ? value : value.slice(0, space);
  if (control !== 'pause' && control !== 'cancel') {
    return null;
  }
  return { control, actor: space < 0 ? null : value.slice(space + 1) };
}

/**
 * Where one store keeps operators' pause and cancel requests. It only reads and writes; the
 * rules are {@link ControlRequests}'.
 */
export interface ControlBackend {
  /** The ids of the runs of `version` that are running now. */
  runningRuns(version: string): Promise<string[]>;
  /** Leaves a request for run `id`, as {@link encodeControl} wrote it. */
  write(id: string, control: string): Promise<void>;
  /** The request left for run `id` as written, or null. */
  read(id: string): Promise<string | null>;
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

  /** Asks the running runs of `version` to pause or cancel, on behalf of `actor` when known; false when none runs. */
  async request(version: string, control: RunControl, actor: string | null = null): Promise<boolean> {
    const running = await this.backend.runningRuns(version);
    for (const id of running) {
      await this.backend.write(id, encodeControl({ control, actor }));
    }
    await this.forgetEnded();
    return running.length > 0;
  }

  /** What was asked of run `id`, and by whom, or null. */
  async read(id: string): Promise<ControlRequest | null> {
    return decodeControl(await this.backend.read(id));
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
