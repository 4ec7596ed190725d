import { AfterPartyExitCode } from '../errors/exit-codes';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * While a run holds the lock, turns SIGTERM/SIGINT into a graceful stop: listeners abort the
 * current task, the runner records it and releases the lock. A second signal exits at once.
 * A run started from app code may leave the signals to the app (`listen: false`) and be
 * stopped with {@link stop} instead: at the app's shutdown, or by the caller's AbortSignal.
 */
export class ShutdownWatch {
  private received: string | null = null;
  private readonly listeners = new Set<(signal: string) => void>();
  private readonly listening: boolean;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.received) {
      process.exit(AfterPartyExitCode.ForcedExit);
    }
    this.stop(signal);
  };

  constructor(options: { listen?: boolean } = {}) {
    this.listening = options.listen !== false;
    if (this.listening) {
      for (const signal of SIGNALS) {
        process.on(signal, this.handler);
      }
    }
  }

  /** What stopped the run (a signal name, or the reason given to {@link stop}), if anything did. */
  get signal(): string | null {
    return this.received;
  }

  /** Stops the run as a signal would; `reason` names the cause in logs and records. Only the first stop counts. */
  stop(reason: string): void {
    if (this.received) {
      return;
    }
    this.received = reason;
    for (const listener of this.listeners) {
      listener(reason);
    }
  }

  /** Calls `listener` on the first signal (at once if one came already); returns an unsubscribe. */
  onSignal(listener: (signal: string) => void): () => void {
    if (this.received) {
      listener(this.received);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.listening) {
      for (const signal of SIGNALS) {
        process.off(signal, this.handler);
      }
    }
    this.listeners.clear();
  }
}
