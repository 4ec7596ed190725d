import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { createInterface } from 'node:readline/promises';
import { AFTER_PARTY_OPTIONS } from '../after-party.constants';
import { AfterPartyExitCode } from '../exit-codes';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { ResolvedAfterPartyOptions } from '../resolve-options';
import { TaskRunner } from '../runner/task.runner';
import { plural, taskLabel } from '../format/text.format';
import { AfterPartyCommand } from './after-party.command';

/** `after-party:reset <task>`: withdraws a task's completion so the next run runs it again. */
@Command({
  name: 'after-party:reset',
  arguments: '<task>',
  description: "Clear a task's completed state so the next after-party:run runs it again (history is kept)",
  argsDescription: { task: 'version or name of the task' },
})
export class ResetCommand extends AfterPartyCommand {
  constructor(
    private readonly runner: TaskRunner,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute([identifier]: string[], flags: { yes?: boolean }): Promise<AfterPartyExitCode> {
    const [task] = this.runner.select([identifier]);
    if (!flags.yes && !(await this.confirm(`Reset ${taskLabel(task)}? It will run again on the next after-party:run. [y/N] `))) {
      process.stdout.write('Nothing changed.\n');
      return AfterPartyExitCode.Ok;
    }
    const count = await this.runner.reset(task.version, this.options.lockTimeout);
    process.stdout.write(
      count === 0
        ? `${taskLabel(task)} had no completed run: nothing to reset.\n`
        : `Reset ${taskLabel(task)} (${plural(count, 'completed run')}): it is pending again.\n`,
    );
    return AfterPartyExitCode.Ok;
  }

  private async confirm(question: string): Promise<boolean> {
    if (!process.stdin.isTTY) {
      throw new InvalidOptionsError('after-party:reset asks for confirmation, and there is no terminal to ask on: pass --yes.');
    }
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await prompt.question(question)).trim());
    } finally {
      prompt.close();
    }
  }

  @Option({ flags: '-y, --yes', description: 'do not ask for confirmation' })
  parseYes(): boolean {
    return true;
  }
}
