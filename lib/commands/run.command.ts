import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS, DEPLOY_ID_ENV } from '../config/after-party.constants';
import { commandState } from '../cli/command-state';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { resolveDeployId } from '../planning/deploy-id';
import { milliseconds, type ResolvedAfterPartyOptions } from '../config/resolve-options';
import { TaskRunner } from '../runner/task.runner';
import { parseDuration } from '../cli/parse-duration';
import { writeJson } from '../cli/write-json';
import { plural } from '../format/text.format';
import { AfterPartyCommand } from './after-party.command';

interface RunFlags {
  deployId?: string;
  migrate?: boolean;
  lockTimeout?: number;
  wait?: boolean;
  dryRun?: boolean;
  json?: boolean;
  maxDuration?: number;
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
    const deployId = resolveDeployId(flags.deployId, '--deploy-id');
    if (flags.dryRun) {
      return this.dryRun(tasks, deployId, flags.json === true, flags.migrate === true);
    }
    const report = await this.runner.run({
      tasks,
      deployId,
      // --no-wait blocks on nothing: not on another runner's lock (unless --lock-timeout says), not on workers.
      lockTimeoutMs: flags.lockTimeout ?? (flags.wait === false ? 0 : this.options.lockTimeout),
      waitForWorkers: flags.wait !== false,
      migrate: flags.migrate === true,
      terminal: process.stderr.isTTY === true && !flags.json,
      maxDurationMs: flags.maxDuration ?? null,
    });
    commandState.forceExit ||= report.abandoned;
    const exitCode = report.ok
      ? AfterPartyExitCode.Ok
      : report.paused && !report.lockLost
        ? AfterPartyExitCode.Paused
        : AfterPartyExitCode.TaskFailed;
    if (flags.json) {
      const { ok, paused, lockLost, detached, outcomes: tasks, notRun } = report;
      writeJson({ ok, exitCode, deployId, paused, lockLost, detached, tasks, notRun });
    }
    return exitCode;
  }

  private async dryRun(tasks: string[], deployId: string | null, json: boolean, migrate: boolean): Promise<AfterPartyExitCode> {
    const plan = tasks.length > 0 ? this.runner.select(tasks) : await this.runner.plan(deployId);
    const listed = plan.map((task) => ({ version: task.version, name: task.name, description: task.description, everyDeploy: task.everyDeploy }));
    // The real run refuses while schema migrations are pending (or applies them with --migrate): say which.
    const pendingMigrations = await this.runner.pendingMigrations();
    if (json) {
      writeJson({ dryRun: true, deployId, pendingMigrations, migrate, tasks: listed });
      return AfterPartyExitCode.Ok;
    }
    if (pendingMigrations.length > 0) {
      const list = pendingMigrations.join(', ');
      process.stdout.write(
        migrate
          ? `Dry run: ${plural(pendingMigrations.length, 'schema migration')} would be applied first (--migrate): ${list}\n`
          : `Dry run: ${plural(pendingMigrations.length, 'schema migration')} pending (${list}): the real run refuses until they are applied (run them first, or pass --migrate).\n`,
      );
    }
    if (listed.length === 0) {
      process.stdout.write('Dry run: nothing would run.\n');
    } else {
      process.stdout.write(`Dry run: ${plural(listed.length, 'task')} would run, in this order:\n`);
      for (const task of listed) {
        process.stdout.write(`  ${task.version}  ${task.name}${task.everyDeploy ? ' (every deploy)' : ''}${task.description ? `  ${task.description}` : ''}\n`);
      }
    }
    return AfterPartyExitCode.Ok;
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

  @Option({
    flags: '--no-wait',
    description: 'block on nothing: exit 3 at once when another runner holds the lock (unless --lock-timeout is given), and leave distributed tasks to their workers',
  })
  parseWait(value: boolean): boolean {
    return value;
  }

  @Option({ flags: '--dry-run', description: 'list what would run, in order, without running or recording anything' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({
    flags: '--max-duration <time>',
    description: 'time budget (90s, 10m, 1h30m): no task or batch starts after it; a batched task in progress pauses after its batch (exit 5)',
  })
  parseMaxDuration(value: string): number {
    return parseDuration('--max-duration', value);
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout (logs go to stderr)' })
  parseJson(): boolean {
    return true;
  }
}
