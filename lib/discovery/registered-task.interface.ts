import type { BatchedTask } from '../interfaces/batched-task.interface';
import type { DeployTask } from '../interfaces/deploy-task.interface';

/** A distributed task's own overrides of the module's distribution options, its queue settled. */
export interface ResolvedDistributeOptions {
  queue: string;
  concurrency: number | null;
  attempts: number | null;
}

/** A batched task's options with every default applied. */
export interface ResolvedBatchOptions {
  size: number;
  transaction: boolean;
  pause: number;
  maxBackoff: number;
  /** Set for distributed tasks: the task's own overrides of the module's distribution options. */
  distribute: ResolvedDistributeOptions | null;
}

/** How a task runs, decided once at discovery: `run(ctx)`, the runner's batch loop, or batches on BullMQ workers. */
export type TaskKind = 'plain' | 'batched' | 'distributed';

/** What every registered task has, whatever its kind. */
interface RegisteredTaskBase {
  version: string;
  name: string;
  description: string;
  className: string;
  everyDeploy: boolean;
  transaction: boolean;
  timeout: number | null;
  /** Environments the task is limited to, or null for all. */
  environments: string[] | null;
  /** Runs once per tenant (`perTenant: true`). */
  perTenant: boolean;
  /**
   * Set on the copy of a per-tenant task that runs for one tenant, whose `version` is then its
   * record key `<version>@<tenant>`: the tenant, and the task's own version.
   */
  tenant?: { id: string; version: string };
}

/** A plain task: a class with `run(ctx)`. */
export interface PlainRegisteredTask extends RegisteredTaskBase {
  kind: 'plain';
  batch: null;
  instance: DeployTask;
}

/** A batched task run by the runner's batch loop in this process. */
export interface BatchedRegisteredTask extends RegisteredTaskBase {
  kind: 'batched';
  batch: ResolvedBatchOptions & { distribute: null };
  instance: BatchedTask;
}

/** A batched task fanned out as batch jobs on BullMQ. */
export interface DistributedRegisteredTask extends RegisteredTaskBase {
  kind: 'distributed';
  batch: ResolvedBatchOptions & { distribute: ResolvedDistributeOptions };
  instance: BatchedTask;
}

/** A validated task, ready to run; `kind` says which of the three it is. */
export type RegisteredTask = PlainRegisteredTask | BatchedRegisteredTask | DistributedRegisteredTask;
