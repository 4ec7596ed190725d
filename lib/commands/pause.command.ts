import { Command, Option } from 'nest-commander';
import type { AfterPartyExitCode } from '../errors/exit-codes';
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
    return this.report('pause', await this.core.pause({ surface: 'cli', task: identifiers }), flags.json === true);
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
