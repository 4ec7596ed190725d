import type { LoggerService } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import type { AfterPartyEvents } from '../events/after-party.events';
import type { TaskEventSubject } from '../events/after-party-event.interface';
import type { TaskProgressSnapshot } from '../interfaces/run-record.interface';
import type { AfterPartyStore } from '../interfaces/store.interface';
import type { TaskProgress } from '../interfaces/task-context.interface';

/** At most one progress log line (without a terminal) per this many milliseconds. */
const LOG_INTERVAL_MS = 5000;
/** At most one progress write to the records (and one event) per this many milliseconds. */
const SAVE_INTERVAL_MS = 2000;

/**
 * `ctx.progress`: a live bar on a terminal, a log line every few seconds otherwise; the
 * latest progress is saved on the running record (throttled) and emitted as an event.
 */
export class ProgressReporter implements TaskProgress {
  private readonly snapshot: TaskProgressSnapshot = { done: 0, total: null, message: null, updatedAt: new Date().toISOString() };
  private bar?: SingleBar;
  private lastLog = 0;
  private lastSave = 0;
  private dirty = false;
  private unlogged = false;
  private saving: Promise<void> = Promise.resolve();
  private readonly startedAt = Date.now();

  constructor(
    private readonly subject: TaskEventSubject,
    private readonly store: AfterPartyStore,
    private readonly events: AfterPartyEvents,
    private readonly logger: LoggerService,
    private readonly terminal: boolean,
  ) {}

  setTotal(total: number): void {
    if (!Number.isFinite(total) || total < 0) {
      throw new RangeError(`ctx.progress.setTotal() needs a finite number of 0 or more, not ${total}`);
    }
    this.snapshot.total = total;
    this.changed();
  }

  advance(count = 1): void {
    if (!Number.isFinite(count)) {
      throw new RangeError(`ctx.progress.advance() needs a finite number, not ${count}`);
    }
    this.snapshot.done += count;
    this.changed();
  }

  setMessage(message: string): void {
    this.snapshot.message = String(message);
    this.changed();
  }

  /** Stops the bar and saves the final progress if it changed since the last save. */
  async finish(): Promise<void> {
    this.bar?.stop();
    if (this.unlogged) {
      this.logger.log(describeProgress(this.snapshot));
    }
    await this.saving;
    if (this.dirty) {
      await this.save();
    }
  }

  private changed(): void {
    this.snapshot.updatedAt = new Date().toISOString();
    this.dirty = true;
    const now = Date.now();
    if (this.terminal) {
      this.renderBar();
    } else if (now - this.lastLog >= LOG_INTERVAL_MS) {
      this.lastLog = now;
      this.unlogged = false;
      this.logger.log(describeProgress(this.snapshot));
    } else {
      this.unlogged = true;
    }
    if (now - this.lastSave >= SAVE_INTERVAL_MS) {
      this.lastSave = now;
      this.saving = this.saving.then(() => this.save());
    }
  }

  private async save(): Promise<void> {
    this.dirty = false;
    const progress = { ...this.snapshot };
    try {
      await this.store.updateRun(this.subject.runId, { progress });
    } catch (error) {
      this.logger.warn?.(`Could not save progress: ${(error as Error).message}`);
    }
    void this.events.emit({ type: 'task.progress', ...this.subject, progress });
  }

  private renderBar(): void {
    const total = this.snapshot.total ?? Math.max(this.snapshot.done, 1);
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const payload = { name: this.subject.name, message: this.snapshot.message ?? '', rate: (this.snapshot.done / seconds).toFixed(1) };
    if (!this.bar) {
      this.bar = new SingleBar({
        format: '{name} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} | {message}',
        hideCursor: true,
        etaBuffer: 50,
      });
      this.bar.start(total, this.snapshot.done, payload);
      return;
    }
    this.bar.setTotal(total);
    this.bar.update(this.snapshot.done, payload);
  }
}

/** `450/1000 (45%) importing users` */
export function describeProgress(progress: TaskProgressSnapshot): string {
  const share = progress.total ? ` (${Math.floor((progress.done / progress.total) * 100)}%)` : '';
  const counts = progress.total !== null ? `${progress.done}/${progress.total}${share}` : `${progress.done} done`;
  return `Progress ${counts}${progress.message ? ` ${progress.message}` : ''}`;
}
