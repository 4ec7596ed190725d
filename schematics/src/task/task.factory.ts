import { Rule } from '@angular-devkit/schematics';
import { createTask } from './create-task.rule';
import { TaskOptions } from './task.schema';
import { plainTaskTemplates } from './task.templates';

/**
 * `nest g -c after-party task <name>`: a deploy task that runs once per
 * environment, registered in the deploy tasks module, with a spec.
 */
export function main(options: TaskOptions): Rule {
  return createTask(options, plainTaskTemplates(false));
}
