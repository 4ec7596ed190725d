import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { createInterface } from 'node:readline/promises';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import { writeJson } from '../cli/write-json';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { TaskRunner } from '../runner/task.runner';
import { plural, taskLabel } from '../format/text.format';
import { AfterPartyCommand } from './after-party.command';

interface ResetFlags {
  yes?: boolean;
  json?: boolean;
}

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

  protected async execute(identifiers: string[], flags: ResetFlags): Promise<AfterPartyExitCode> {
    if (identifiers.length !== 1) {
      throw new InvalidOptionsError('Name exactly one task, by version or name: after-party:reset <task>.');
    }
    const [task] = this.runner.select(identifiers);
    const json = flags.json === true;
    const question = `Reset ${taskLabel(task)}? It will run again on the next after-party:run. [y/N] `;
    if (!flags.yes && !(await this.confirm(question, json))) {
      return this.report(task, 'declined', 0, 'Nothing changed.', json);
    }
    const count = await this.runner.reset(task, this.options.lockTimeout);
    return count === 0
      ? this.report(task, 'not-completed', 0, `${taskLabel(task)} had no finished run: nothing to reset.`, json)
      : this.report(task, 'reset', count, `Reset ${taskLabel(task)} (${plural(count, 'run')}): it is pending again and starts over.`, json);
  }

  /** Prints the outcome as a line, or with `--json` as `{ task, action: 'reset', result, resetRuns }`. */
  private report(task: RegisteredTask, result: string, resetRuns: number, message: string, json: boolean): AfterPartyExitCode {
    if (json) {
      writeJson({ task: { version: task.version, name: task.name }, action: 'reset', result, resetRuns });
    } else {
      process.stdout.write(`${message}\n`);
    }
    return AfterPartyExitCode.Ok;
  }

  private async confirm(question: string, json: boolean): Promise<boolean> {
    if (!process.stdin.isTTY) {
      throw new InvalidOptionsError('after-party:reset asks for confirmation, and there is no terminal to ask on: pass --yes.');
    }
    // With --json, stdout carries the JSON document alone.
    const prompt = createInterface({ input: process.stdin, output: json ? process.stderr : process.stdout });
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

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
