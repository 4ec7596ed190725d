import type { TaskContext } from './task-context.interface';

/** A post-deploy task: an injectable class decorated with `@AfterPartyTask()`. */
export interface DeployTask {
  /**
   * Does the work. Throw (or reject) to mark the run failed; later tasks then do not run
   * and the next `after-party:run` retries this one.
   */
  run(ctx: TaskContext): Promise<void> | void;
}
