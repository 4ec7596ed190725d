import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { AfterPartyExitCode } from '../errors/exit-codes';
import { OperatorCore } from '../operator/operator.core';
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
  constructor(core: OperatorCore, @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions) {
    super(core);
  }

  protected async execute(identifiers: string[], flags: { json?: boolean }): Promise<AfterPartyExitCode> {
    const result = await this.core.cancel({ surface: 'cli', task: identifiers, lockTimeoutMs: this.options.lockTimeout });
    return this.report('cancel', result, flags.json === true);
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
