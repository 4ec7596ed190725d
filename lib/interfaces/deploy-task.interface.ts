import type { TaskContext } from './task-context.interface';

/** A post-deploy task: an injectable class decorated with `@AfterPartyTask()`. */
export interface DeployTask {
  /**
   * Does the work. Throw (or reject) to mark the run failed; later tasks then do not run
   * and the next `after-party:run` retries this one. Annotate `ctx` as `TaskContext<Cursor>`
   * for typed checkpoints, or `TransactionalTaskContext<EntityManager>` with `transaction: true`.
   */
  run(ctx: TaskContext<any>): Promise<void> | void;
}
