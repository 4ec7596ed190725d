import { Command, Option } from 'nest-commander';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { AfterPartyExitCode } from '../errors/exit-codes';
import { taskLabel } from '../format/text.format';
import { ControlCommand } from './control.command';

/** `after-party:pause <task>`: asks the runner of a batched task, on any host, to pause it after its current batch. */
@Command({
  name: 'after-party:pause',
  arguments: '<task>',
  description: 'Pause a running batched task after its current batch (from any host); after-party:run resumes it from its cursor',
  argsDescription: { task: 'version or name of the task' },
})
export class PauseCommand extends ControlCommand {
  protected async execute(identifiers: string[], flags: { json?: boolean }): Promise<AfterPartyExitCode> {
    const task = this.task(identifiers);
    const outcome = await this.runner.pause(task);
    if (outcome === 'not batched') {
      throw this.notBatched(task, 'pause');
    }
    if (outcome === 'not running') {
      throw new InvalidOptionsError(`${taskLabel(task)} is not running: there is nothing to pause. after-party:status shows where it stands.`);
    }
    const message = task.batch?.distribute
      ? `Paused the queue of ${taskLabel(task)}: queued batches are held, running ones finish; after-party:run resumes it.`
      : `Asked the runner of ${taskLabel(task)} to pause it after its current batch; after-party:run resumes it from its cursor.`;
    return this.report(task, 'pause', outcome, message, flags.json === true);
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
