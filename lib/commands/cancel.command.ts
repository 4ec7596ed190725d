import { Command, Option } from 'nest-commander';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { AfterPartyExitCode } from '../errors/exit-codes';
import { taskLabel } from '../format/text.format';
import { ControlCommand } from './control.command';

/**
 * `after-party:cancel <task>`: stops a running batched task after its current batch, or marks a
 * task that is not running as cancelled. Either way later runs leave it alone (and the tasks
 * after it run) until `after-party:reset` or `after-party:run <task>`.
 */
@Command({
  name: 'after-party:cancel',
  arguments: '<task>',
  description: 'Cancel a task: a running batched task stops after its current batch; later runs leave it alone until it is reset or run by name',
  argsDescription: { task: 'version or name of the task' },
})
export class CancelCommand extends ControlCommand {
  protected async execute(identifiers: string[], flags: { json?: boolean }): Promise<AfterPartyExitCode> {
    const task = this.task(identifiers);
    const outcome = await this.runner.cancel(task, this.options.lockTimeout);
    if (outcome === 'completed') {
      throw new InvalidOptionsError(`${taskLabel(task)} is completed: there is nothing to cancel. after-party:reset makes it pending again.`);
    }
    const messages = {
      requested: task.batch?.distribute
        ? `Cancelled ${taskLabel(task)}: its queued batches were removed, running ones finish.`
        : `Asked the runner of ${taskLabel(task)} to cancel it after its current batch.`,
      recorded: `Cancelled ${taskLabel(task)}: its queued batches were removed, running ones finish.`,
      cancelled: `Cancelled ${taskLabel(task)}: later runs leave it alone until after-party:reset or after-party:run ${task.name}.`,
    };
    return this.report(task, 'cancel', outcome, messages[outcome], flags.json === true);
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
