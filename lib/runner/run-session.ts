import type { AfterPartyEvents } from '../events/after-party.events';
import type { DistributionService } from '../distribution/distribution.service';
import type { AfterPartyStore, StoreLock } from '../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { ShutdownWatch } from './shutdown-watch';
import type { TenantHandle } from '../interfaces/tenants.interface';
import { TaskInterruption } from '../errors/task-interruption.error';
import { budgetSpent as spent, stopReasons } from '../records/stop-reasons';

/** What every task of one `after-party:run` shares: the store, the held lock, the shutdown watch. */
export interface RunSession {
  store: AfterPartyStore;
  events: AfterPartyEvents;
  options: ResolvedAfterPartyOptions;
  shutdown: ShutdownWatch;
  lock: StoreLock;
  deployId: string | null;
  kind: 'deploy' | 'manual';
  /** Who asked for the run (recorded on every record it writes), or null. */
  actor: string | null;
  /** Draw a progress bar (a terminal, and no machine-readable output). */
  terminal: boolean;
  /** Whether a version may have a checkpoint to resume (saves a query per fresh task). */
  mayResume(version: string): boolean;
  /** Epoch ms after which no task and no batch starts (`--max-duration`), or null. */
  deadline: number | null;
  /** The time budget as the operator wrote it, for messages. */
  budget: string | null;
  /** BullMQ for distributed tasks. */
  distribution: DistributionService;
  /** Wait for distributed tasks' batches (false: `--no-wait`, leave them to the workers). */
  waitForWorkers: boolean;
  /** The tenant whose per-tenant tasks this session runs (`ctx.tenant`), when it does. */
  tenant?: TenantHandle;
  /** Why no further task may start although nothing stopped this session itself (`--fail-fast` after another tenant failed), or null. */
  halted?: () => string | null;
}

/**
 * Why no further task may start, or null: a shutdown signal arrived, or the lock was lost.
 * Checked before every task and before a completion is written together with the next start.
 */
export function stopReason(session: RunSession): TaskInterruption | null {
  if (session.lock.lost.aborted) {
    return new TaskInterruption(messageOf(session.lock.lost.reason), 'interrupted');
  }
  const signal = session.shutdown.signal;
  return signal ? new TaskInterruption(stopReasons.signalBeforeStart(signal), 'interrupted') : null;
}

/** Whether the run's time budget (`--max-duration`) is spent. */
export function budgetSpent(session: RunSession): boolean {
  return spent(session.deadline);
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : stopReasons.lockLost;
}
