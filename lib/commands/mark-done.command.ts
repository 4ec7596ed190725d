import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { writeJson } from '../cli/write-json';
import { TaskRegistry } from '../discovery/task.registry';
import { versionProblem } from '../discovery/task-version';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { TaskRunner } from '../runner/task.runner';
import { plural, taskLabel } from '../format/text.format';
import { inEnvironment } from '../planning/task-state';
import { AfterPartyCommand } from './after-party.command';

interface MarkDoneFlags {
  all?: boolean;
  before?: string;
  json?: boolean;
}

/** `after-party:mark-done`: records tasks as completed without running them (a baseline). */
@Command({
  name: 'after-party:mark-done',
  arguments: '[tasks...]',
  description: 'Record tasks as completed without running them (a new environment, a restored database)',
  argsDescription: { tasks: 'versions or names of the tasks to mark' },
})
export class MarkDoneCommand extends AfterPartyCommand {
  constructor(
    private readonly runner: TaskRunner,
    private readonly registry: TaskRegistry,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute(identifiers: string[], flags: MarkDoneFlags): Promise<AfterPartyExitCode> {
    const modes = [identifiers.length > 0, flags.all === true, flags.before !== undefined].filter(Boolean).length;
    if (modes !== 1) {
      throw new InvalidOptionsError('Say which tasks to mark done: task versions or names, --all, or --before <version> (exactly one of them).');
    }
    if (flags.before !== undefined && versionProblem(flags.before)) {
      throw new InvalidOptionsError(`--before needs a task version (YYYYMMDDHHMMSS), not ${JSON.stringify(flags.before)}.`);
    }
    const tasks =
      identifiers.length > 0
        ? this.runner.select(identifiers)
        : this.registry.all().filter((task) => inEnvironment(task, this.options.environment) && (flags.all || task.version < (flags.before as string)));
    const marked = await this.runner.markDone(tasks, this.options.lockTimeout);
    if (flags.json) {
      writeJson({ marked: marked.map(({ version, name }) => ({ version, name })) });
    } else {
      process.stdout.write(
        marked.length === 0
          ? 'Nothing to mark: those tasks are already completed.\n'
          : `Marked ${plural(marked.length, 'task')} as done without running: ${marked.map(taskLabel).join(', ')}\n`,
      );
    }
    return AfterPartyExitCode.Ok;
  }

  @Option({ flags: '--all', description: 'every task of this environment not completed yet' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--before <version>', description: 'every task older than this version' })
  parseBefore(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
