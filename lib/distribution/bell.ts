import { setTimeout as sleep } from 'node:timers/promises';

/** Wakes a waiting loop early when rung; a ring while nobody waits is kept for the next wait. */
export class Bell {
  private rung = false;
  private wake: (() => void) | null = null;
  private lastWait = 0;

  readonly ring = (): void => {
    this.rung = true;
    this.wake?.();
  };

  /** Resolves when rung (but not sooner than `minGapMs` after the last wait ended), after `timeoutMs`, or on abort. */
  async wait(timeoutMs: number, minGapMs: number, signal: AbortSignal): Promise<void> {
    const gap = this.lastWait + minGapMs - Date.now();
    if (gap > 0) {
      await sleep(gap, undefined, { signal }).catch(() => undefined);
    }
    if (!this.rung && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    this.rung = false;
    this.lastWait = Date.now();
  }
}
