import { setTimeout as sleep } from 'node:timers/promises';
import type { ShutdownWatch } from './shutdown-watch';

/** How long past the grace period the app's shutdown waits for its runs to record how they ended. */
const SHUTDOWN_MARGIN_MS = 5000;

/**
 * The runs an app started from its own code (`AfterPartyService`, the dashboard), each with the
 * {@link ShutdownWatch} that stops it: at the app's shutdown they are stopped as a signal stops
 * `after-party:run`, and waited for while they record how they ended.
 */
export class RunsInApp {
  private readonly running = new Map<ShutdownWatch, Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  /** Keeps `run` until it settles, then forgets it and disposes of `shutdown`; returns `run`. */
  track<T>(shutdown: ShutdownWatch, run: Promise<T>): Promise<T> {
    this.running.set(shutdown, run);
    const forget = (): void => {
      this.running.delete(shutdown);
      shutdown.dispose();
    };
    run.then(forget, forget);
    return run;
  }

  /** Stops every run for `reason` and waits for them, at most the grace period and a margin. */
  async stopAll(reason: string, gracePeriodMs: number): Promise<void> {
    for (const shutdown of this.running.keys()) {
      shutdown.stop(reason);
    }
    const waiting = new AbortController();
    await Promise.race([Promise.allSettled(this.running.values()), sleep(gracePeriodMs + SHUTDOWN_MARGIN_MS, undefined, { signal: waiting.signal }).catch(() => undefined)]);
    waiting.abort();
  }
}
