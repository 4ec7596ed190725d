import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS, DEPLOY_ID_ENV } from '../config/after-party.constants';
import { AfterPartyExitCode } from '../errors/exit-codes';
import type { PlanDocument } from '../operator/operator-documents';
import { planHeader, planLine, planMigrations, planTenantLines } from '../operator/operator.messages';
import type { TenantSelection } from '../runner/run-options.interface';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { OperatorCore } from '../operator/operator.core';
import { resolveDeployId } from '../planning/deploy-id';
import { milliseconds, type ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { RunOptions } from '../runner/run-options.interface';
import { parseDuration } from '../cli/parse-duration';
import { writeJson } from '../cli/write-json';
import { AfterPartyCommand } from './after-party.command';
import { finishRun } from './run-outcome';
/** The flags of `after-party:run`. */
export interface RunFlags {
  deployId?: string;
  migrate?: boolean;
  lockTimeout?: number;
  wait?: boolean;
  dryRun?: boolean;
  json?: boolean;
  maxDuration?: number;
  tenants?: string[];
  limit?: number;
  concurrency?: number;
  failFast?: boolean;
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
    private readonly core: OperatorCore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute(tasks: string[], flags: RunFlags): Promise<AfterPartyExitCode> {
    const deployId = resolveDeployId(flags.deployId, '--deploy-id');
    if (flags.dryRun) {
      return this.dryRun(tasks, deployId, flags.json === true, flags.migrate === true, flags);
    }
    const report = await this.core.run({ ...runFlags(flags, this.options.lockTimeout), tasks, deployId, tenants: tenantFlags(flags) });
    return finishRun(report, deployId, flags.json === true);
  }

  private async dryRun(tasks: string[], deployId: string | null, json: boolean, migrate: boolean, flags: RunFlags): Promise<AfterPartyExitCode> {
    const plan = await this.core.plan({ tasks, deployId, tenants: tenantFlags(flags) });
    if (json) {
      const document: PlanDocument = { dryRun: true, deployId, pendingMigrations: plan.pendingMigrations, migrate, tasks: plan.tasks, ...(plan.tenants ? { tenants: plan.tenants } : {}) };
      writeJson(document);
      return AfterPartyExitCode.Ok;
    }
    // The real run refuses while schema migrations are pending (or applies them with --migrate): say which.
    const lines = plan.pendingMigrations.length > 0 ? [planMigrations(plan.pendingMigrations, migrate)] : [];
    lines.push(planHeader(plan.tasks.length, plan.tenants !== undefined), ...plan.tasks.map(planLine));
    if (plan.tenants) {
      lines.push(...planTenantLines(plan.tenants));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
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

  @Option({ flags: '--tenants <ids>', description: 'per-tenant tasks: only these tenants, comma-separated (a canary)' })
  parseTenants(value: string): string[] {
    return tenantList(value);
  }

  @Option({ flags: '--limit <n>', description: 'per-tenant tasks: at most n tenants with pending tasks, in the order the tenants source lists them (a canary)' })
  parseLimit(value: string): number {
    return wholeNumber('--limit', value);
  }

  @Option({ flags: '--concurrency <n>', description: 'per-tenant tasks: tenants run at once (default 1)' })
  parseConcurrency(value: string): number {
    return wholeNumber('--concurrency', value);
  }

  @Option({ flags: '--fail-fast', description: 'per-tenant tasks: once a tenant failed, start no further tenant or task (running tasks finish)' })
  parseFailFast(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout (logs go to stderr)' })
  parseJson(): boolean {
    return true;
  }
}

/** The tenant flags of `after-party:run`, as the runner takes them (undefined when none was given). */
export function tenantFlags(flags: RunFlags): TenantSelection | undefined {
  if (flags.tenants === undefined && flags.limit === undefined && flags.concurrency === undefined && flags.failFast === undefined) {
    return undefined;
  }
  return { only: flags.tenants, limit: flags.limit, concurrency: flags.concurrency, failFast: flags.failFast };
}

/** A comma-separated list of tenant ids. */
export function tenantList(value: string): string[] {
  const ids = value.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '')) {
    throw new InvalidOptionsError(`--tenants takes tenant ids separated by commas, such as --tenants acme,globex; got ${JSON.stringify(value)}.`);
  }
  return ids;
}

/** A whole number of 1 or more, from a flag. */
export function wholeNumber(flag: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidOptionsError(`${flag} must be a whole number of 1 or more, not ${JSON.stringify(value)}.`);
  }
  return parsed;
}

/** How the flags of `after-party:run` (and `resume`) run: lock wait, workers, migrations, progress bars, budget. */
export function runFlags(flags: RunFlags, defaultLockTimeout: number): Omit<RunOptions, 'tasks' | 'deployId'> {
  return {
    // --no-wait blocks on nothing: not on another runner's lock (unless --lock-timeout says), not on workers.
    lockTimeoutMs: flags.lockTimeout ?? (flags.wait === false ? 0 : defaultLockTimeout),
    waitForWorkers: flags.wait !== false,
    migrate: flags.migrate === true,
    terminal: process.stderr.isTTY === true && !flags.json,
    maxDurationMs: flags.maxDuration ?? null,
  };
}
