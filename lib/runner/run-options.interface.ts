import type { ShutdownWatch } from './shutdown-watch';

/** What the run command asks the runner for. */
export interface RunOptions {
  /** Versions or names to run now (manual runs); empty runs everything pending. */
  tasks: string[];
  deployId: string | null;
  /** Lock wait in milliseconds; 0 fails at once when the lock is held. */
  lockTimeoutMs: number;
  /** Apply pending schema migrations first instead of refusing. */
  migrate: boolean;
  /** Draw progress bars (stderr is a terminal and the output is not JSON). */
  terminal: boolean;
  /** Time budget in ms (`--max-duration`): no task or batch starts after it; null for none. */
  maxDurationMs?: number | null;
  /** Wait for distributed tasks' batches to finish (the default); false leaves them to the workers. */
  waitForWorkers?: boolean;
  /**
   * What stops the run gracefully. Default: a watch on SIGTERM/SIGINT for the run's duration;
   * `AfterPartyService` passes its own (the app's shutdown, the caller's AbortSignal).
   */
  shutdown?: ShutdownWatch;
  /** Who asked for the run, recorded on its records (the dashboard's user); null or absent for none. */
  actor?: string | null;
}
