import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS, DEPLOY_ID_ENV } from '../after-party.constants';
import { commandState } from '../cli/command-state';
import { AfterPartyExitCode } from '../cli/exit-codes';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { milliseconds, type ResolvedAfterPartyOptions } from '../resolve-options';
import { TaskRunner } from '../runner/task.runner';
import { AfterPartyCommand } from './after-party.command';

interface RunFlags {
  deployId?: string;
  migrate?: boolean;
  lockTimeout?: number;
  wait?: boolean;
}

/** `after-party:run [tasks...]`: runs pending tasks, or exactly the named ones again. */
@Command({
  name: 'after-party:run',
  arguments: '[tasks...]',
  description: 'Run every pending deploy task in version order; with versions or names, run exactly those again (a manual run)',
  argsDescription: { tasks: 'versions or names of tasks to run now, even if completed' },
})
export class RunCommand extends AfterPartyCommand {
  constructor(
    private readonly runner: TaskRunner,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute(tasks: string[], flags: RunFlags): Promise<AfterPartyExitCode> {
    const report = await this.runner.run({
      tasks,
      deployId: deployIdOf(flags.deployId ?? process.env[DEPLOY_ID_ENV]),
      lockTimeoutMs: flags.wait === false ? 0 : (flags.lockTimeout ?? this.options.lockTimeout),
      migrate: flags.migrate === true,
    });
    commandState.forceExit ||= report.abandoned;
    return report.ok ? AfterPartyExitCode.Ok : AfterPartyExitCode.TaskFailed;
  }

  @Option({ flags: '--deploy-id <id>', description: `run every-deploy tasks once per deploy id (default: $${DEPLOY_ID_ENV})` })
  parseDeployId(value: string): string {
    return value;
  }

  @Option({ flags: '--migrate', description: 'apply pending TypeORM schema migrations first instead of refusing to run' })
  parseMigrate(): boolean {
    return true;
  }

  @Option({ flags: '--lock-timeout <ms>', description: 'how long to wait for another runner holding the lock (default: module option lockTimeout, 60000)' })
  parseLockTimeout(value: string): number {
    return milliseconds('--lock-timeout', value);
  }

  @Option({ flags: '--no-wait', description: 'exit with code 3 at once when another runner holds the lock' })
  parseWait(value: boolean): boolean {
    return value;
  }
}

function deployIdOf(value: string | undefined): string | null {
  if (value === undefined || value === '') {
    return null;
  }
  if (value.length > 255) {
    throw new InvalidOptionsError('The deploy id is longer than 255 characters: pass a shorter --deploy-id (a release tag or commit SHA).');
  }
  return value;
}
