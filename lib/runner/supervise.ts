import { TaskInterruption } from '../errors/task-interruption.error';
import { stopReasons } from '../records/stop-reasons';
import type { ShutdownWatch } from './shutdown-watch';

/** How a supervised task ended. */
export type Supervised<T> = { ok: true; value: T } | { ok: false; error: unknown; abandoned: boolean };

interface SuperviseOptions {
  controller: AbortController;
  timeoutMs: number | null;
  graceMs: number;
  shutdown: ShutdownWatch;
}

/**
 * Awaits a task's work while enforcing its timeout and shutdown signals: both abort
 * `ctx.signal`, then the task has `graceMs` to return. A task that does not is abandoned
 * (recorded, and the process exits once the lock is released).
 */
export async function supervise<T>(work: Promise<T>, { controller, timeoutMs, graceMs, shutdown }: SuperviseOptions): Promise<Supervised<T>> {
  let timeoutTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const abandoned = new Promise<'abandoned'>((resolve) => {
    controller.signal.addEventListener('abort', () => {
      graceTimer = setTimeout(() => resolve('abandoned'), graceMs);
    });
  });
  if (timeoutMs !== null) {
    timeoutTimer = setTimeout(
      () => controller.abort(new TaskInterruption(stopReasons.timedOut(timeoutMs), 'failed')),
      timeoutMs,
    );
  }
  const unsubscribe = shutdown.onSignal((signal) =>
    controller.abort(new TaskInterruption(stopReasons.signalDuringTask(signal), 'interrupted')),
  );
  try {
    const settled = await Promise.race([work.then((value) => ({ value })), abandoned]);
    if (settled === 'abandoned') {
      return { ok: false, error: controller.signal.reason, abandoned: true };
    }
    return { ok: true, value: settled.value };
  } catch (error) {
    // Once aborted, the abort's reason is the truth, not whatever the task threw on its way out.
    return { ok: false, error: controller.signal.aborted ? controller.signal.reason : error, abandoned: false };
  } finally {
    clearTimeout(timeoutTimer);
    clearTimeout(graceTimer);
    unsubscribe();
  }
}
