import type { DeployTask } from '../interfaces/deploy-task.interface';

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
  instance: DeployTask;
}
