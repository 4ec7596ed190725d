import { TaskTemplates } from './create-task.rule';

/** The templates of a plain `run(ctx)` task, run once per environment, on every deploy, or once per tenant. */
export function plainTaskTemplates(everyDeploy: boolean, perTenant = false): TaskTemplates {
  // Relative to the running schematic's folder: task/, every-deploy-task/ or tenant-task/.
  return { url: '../task/files', variables: { everyDeploy, perTenant } };
}
