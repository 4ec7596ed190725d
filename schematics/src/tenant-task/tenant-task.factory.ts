import { Rule } from '@angular-devkit/schematics';
import { createTask } from '../task/create-task.rule';
import { TaskOptions } from '../task/task.schema';
import { plainTaskTemplates } from '../task/task.templates';

/**
 * `nest g -c after-party tenant-task <name>`: a deploy task with `perTenant: true`, which runs
 * once per tenant of the module's tenants source, with a spec on fixed test tenants.
 */
export function main(options: TaskOptions): Rule {
  return createTask(options, plainTaskTemplates(false, true));
}
