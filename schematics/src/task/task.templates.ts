import { TaskTemplates } from './create-task.rule';

/** The templates of a plain `run(ctx)` task, run once per environment or on every deploy. */
export function plainTaskTemplates(everyDeploy: boolean): TaskTemplates {
  // Relative to the running schematic's folder: task/ or every-deploy-task/.
  return { url: '../task/files', variables: { everyDeploy } };
}
