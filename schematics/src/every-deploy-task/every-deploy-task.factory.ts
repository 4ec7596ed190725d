import { Rule } from '@angular-devkit/schematics';
import { createTask } from '../task/create-task.rule';
import { TaskOptions } from '../task/task.schema';
import { plainTaskTemplates } from '../task/task.templates';

/**
 * `nest g -c after-party every-deploy-task <name>`: a deploy task with
 * `everyDeploy: true`, which runs after every deploy instead of once.
 */
export function main(options: TaskOptions): Rule {
  return createTask(options, plainTaskTemplates(true));
}
