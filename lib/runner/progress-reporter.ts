import type { LoggerService } from '@nestjs/common';
import type { SingleBar } from 'cli-progress';
import type { AfterPartyEvents } from '../events/after-party.events';
import type { TaskEventSubject } from '../events/after-party-event.interface';
import { anchorBarCursor, fitBarLine, keepLinesOffTheBar } from '../format/progress-bar';
import { describeProgress } from '../format/progress.format';
import { humanDuration } from '../format/text.format';
import type { TaskProgressSnapshot } from '../interfaces/run-record.interface';
import type { AfterPartyStore } from '../interfaces/store.interface';
import { SAVE_INTERVAL_MS, type ProgressSink } from '../ports/progress-sink.interface';
import { SerialRecordWriter } from '../records/serial-record.writer';

/** At most one progress log line (without a terminal) per this many milliseconds. */
const LOG_INTERVAL_MS = 5000;

/**
 * `ctx.progress`, and a batched task's progress as the runner reports it: a live bar on a
 * terminal, a log line every few seconds otherwise; the latest progress (with rate, ETA, cursor
 * and throttling) is saved on the running record (throttled) and emitted as an event.
 */
export class ProgressReporter implements ProgressSink {
  private readonly snapshot: TaskProgressSnapshot = { done: 0, total: null, message: null, updatedAt: new Date().toISOString() };
  private bar?: SingleBar;
  /** Puts stdout and stderr back once the bar stops (see {@link keepLinesOffTheBar}). */
  private releaseLines?: () => void;
  private lastLog = 0;
  private lastSave = 0;
  private dirty = false;
  private unlogged = false;
  private readonly startedAt = Date.now();
  /** When the progress last changed (epoch ms): the `updatedAt` it is saved with. */
  private changedAt = this.startedAt;
  /** Units already done when this run started (a resumed batched task): not part of this run's rate. */
  private doneBefore = 0;

  constructor(
    private readonly subject: TaskEventSubject,
    private readonly store: AfterPartyStore,
    private readonly events: AfterPartyEvents,
    private readonly logger: LoggerService,
    private readonly terminal: boolean,
    /** The record's single writer, shared with the task's checkpoints (see {@link SerialRecordWriter}). */
    readonly writer = new SerialRecordWriter(store, subject.runId),
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

  /**
   * Starts from work a previous run already did (not counted in this run's rate), at the cursor
   * it reached, out of `total` when known: one progress line, with all of it.
   */
  resumeAt(done: number, cursor: unknown, total: number | null): void {
    this.doneBefore = done;
    this.snapshot.done = done;
    this.snapshot.cursor = cursor;
    if (total !== null) {
      this.snapshot.total = total;
    }
    this.changed();
  }

  /** A batched task's batch committed: `count` more units done, and the cursor after it (one update). */
  batchDone(count: number, cursor: unknown): void {
    this.snapshot.done += count;
    this.snapshot.cursor = cursor;
    this.changed();
  }

  /** A batched task's loop starts: its progress says `running` (or `throttled`) until it stops. */
  startBatches(): void {
    this.snapshot.state = 'running';
    this.snapshot.throttledBecause = null;
  }

  /**
   * Still backing off: `updatedAt` moves on (saved at most every 2 s), so `status` on another host
   * sees that the runner is alive while no batch runs.
   */
  stillThrottled(): void {
    this.changed();
  }

  /** Running, or backing off because a throttle check said so (and why). */
  setState(state: 'running' | 'throttled', because: string | null = null): void {
    this.snapshot.state = state;
    this.snapshot.throttledBecause = because;
    this.changed(true);
  }

  /** Stops the bar and saves the final progress if it changed since the last save. */
  async finish(): Promise<void> {
    this.releaseLines?.();
    this.bar?.stop();
    if (this.unlogged) {
      this.refresh();
      this.logger.log(describeProgress(this.snapshot));
    }
    if (this.snapshot.state !== undefined) {
      // Stopped: neither running nor throttled any more; the record's status says how it ended.
      delete this.snapshot.state;
      delete this.snapshot.throttledBecause;
      this.dirty = true;
    }
    await this.writer.settled();
    if (this.dirty) {
      await this.save();
    }
  }

  /** Runs a write to the running record in turn with the progress saves (see {@link SerialRecordWriter}). */
  inTurn<T>(write: () => Promise<T>): Promise<T> {
    return this.writer.inTurn(write);
  }

  /** Saves the run's checkpoint on its record outside a transaction, in turn with the progress saves. */
  saveCheckpoint(checkpoint: unknown): Promise<void> {
    return this.writer.saveCheckpoint(checkpoint);
  }

  /**
   * Runs on every change (every batch, every `advance()`): it only notes the time. The time,
   * rate and ETA are worked out by {@link refresh} when they are shown or saved.
   */
  private changed(saveNow = false): void {
    const now = Date.now();
    this.changedAt = now;
    this.dirty = true;
    if (this.terminal) {
      this.refresh();
      this.renderBar();
    } else if (now - this.lastLog >= LOG_INTERVAL_MS || saveNow) {
      this.lastLog = now;
      this.unlogged = false;
      this.refresh();
      this.logger.log(describeProgress(this.snapshot));
    } else {
      this.unlogged = true;
    }
    if (now - this.lastSave >= SAVE_INTERVAL_MS || saveNow) {
      this.lastSave = now;
      void this.writer.inTurn(() => this.save());
    }
  }

  /** The time of the last change, and the rate and ETA as they stood then. */
  private refresh(): void {
    const now = this.changedAt;
    this.snapshot.updatedAt = new Date(now).toISOString();
    const seconds = (now - this.startedAt) / 1000;
    const doneHere = this.snapshot.done - this.doneBefore;
    this.snapshot.rate = seconds > 0.5 && doneHere > 0 ? Math.round((doneHere / seconds) * 10) / 10 : null;
    this.snapshot.etaMs =
      this.snapshot.rate && this.snapshot.total !== null ? Math.max(0, Math.round(((this.snapshot.total - this.snapshot.done) / this.snapshot.rate) * 1000)) : null;
  }

  private async save(): Promise<void> {
    this.dirty = false;
    this.refresh();
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
    const payload = {
      name: this.subject.tenant ? `${this.subject.name}@${this.subject.tenant}` : this.subject.name,
      message: this.snapshot.state === 'throttled' ? `throttled: ${this.snapshot.throttledBecause ?? ''}` : (this.snapshot.message ?? ''),
      rate: (this.snapshot.rate ?? 0).toFixed(1),
      eta: this.snapshot.etaMs === null || this.snapshot.etaMs === undefined ? null : humanDuration(this.snapshot.etaMs),
    };
    if (!this.bar) {
      // Loaded only when a bar is drawn: a deploy hook without a terminal never pays for it.
      const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
      this.bar = new SingleBar({
        // The whole line fits the terminal (a longer one is cut, or wraps and breaks the redraw).
        format: (_options, params, values) =>
          fitBarLine({ ...(values as typeof payload), done: params.value, total: params.total }, process.stdout.columns || process.stderr.columns || 80),
        hideCursor: true,
        // Log lines written while the bar is up wrap (cli-progress turns wrapping off by default,
        // which cut them at the terminal's width); the bar's own line is fitted, so never wraps.
        linewrap: true,
        // Drawn again on every frame: a log line written meanwhile clears it (see keepLinesOffTheBar).
        forceRedraw: true,
      });
      anchorBarCursor(this.bar, process.stderr);
      this.releaseLines = keepLinesOffTheBar(this.bar, process.stderr, [process.stdout, process.stderr]);
      this.bar.start(total, this.snapshot.done, payload);
      return;
    }
    this.bar.setTotal(total);
    this.bar.update(this.snapshot.done, payload);
  }
}
