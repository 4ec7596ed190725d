import type { BatchedTask } from '../interfaces/batched-task.interface';
import type { DeployTask } from '../interfaces/deploy-task.interface';

/** A batched task's options with every default applied. */
export interface ResolvedBatchOptions {
  size: number;
  transaction: boolean;
  pause: number;
  maxBackoff: number;
  /** Set for distributed tasks: the task's own overrides of the module's distribution options. */
  distribute: { queue: string; concurrency: number | null; attempts: number | null } | null;
}

/** A validated task, ready to run. */
export interface RegisteredTask {
  version: string;
  name: string;
  description: string;
  className: string;
  everyDeploy: boolean;
  transaction: boolean;
  timeout: number | null;
  /** Environments the task is limited to, or null for all. */
  environments: string[] | null;
  /** Present for batched tasks (a class with `collection()` and `processBatch()`), which `instance` then is. */
  batch: ResolvedBatchOptions | null;
  instance: DeployTask | BatchedTask;
}
