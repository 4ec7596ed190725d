import { AfterPartyExitCode } from '../exit-codes';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * While a run holds the lock, turns SIGTERM/SIGINT into a graceful stop: listeners abort the
 * current task, the runner records it and releases the lock. A second signal exits at once.
 */
export class ShutdownWatch {
  private received: NodeJS.Signals | null = null;
  private readonly listeners = new Set<(signal: NodeJS.Signals) => void>();
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.received) {
      process.exit(AfterPartyExitCode.ForcedExit);
    }
    this.received = signal;
    for (const listener of this.listeners) {
      listener(signal);
    }
  };

  constructor() {
    for (const signal of SIGNALS) {
      process.on(signal, this.handler);
    }
  }

  /** The signal received, if any. */
  get signal(): NodeJS.Signals | null {
    return this.received;
  }

  /** Calls `listener` on the first signal (at once if one came already); returns an unsubscribe. */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void {
    if (this.received) {
      listener(this.received);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const signal of SIGNALS) {
      process.off(signal, this.handler);
    }
    this.listeners.clear();
  }
}
