import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { writeJson } from '../cli/write-json';
import { milliseconds, type ResolvedAfterPartyOptions } from '../config/resolve-options';
import { OperatorCore } from '../operator/operator.core';
import { AfterPartyCommand } from './after-party.command';
import { finishRun } from './run-outcome';
import { parseDuration } from '../cli/parse-duration';
import { runFlags, type RunFlags } from './run.command';

interface TenantFlags extends Pick<RunFlags, 'lockTimeout' | 'wait' | 'json' | 'maxDuration'> {
  markDone?: boolean;
}

/** `after-party:tenant <id>`: brings a new tenant up to date, running its per-tenant tasks or marking them done. */
@Command({
  name: 'after-party:tenant',
  arguments: '<tenant>',
  description: "Bring one tenant up to date: run its pending per-tenant tasks now, or mark them done (--mark-done) for a tenant made from an up-to-date template",
  argsDescription: { tenant: 'the tenant id, as the tenants source lists it' },
})
export class TenantCommand extends AfterPartyCommand {
  constructor(
    private readonly core: OperatorCore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute([tenant, ...extra]: string[], flags: TenantFlags): Promise<AfterPartyExitCode> {
    if (extra.length > 0) {
      throw new InvalidOptionsError(`Name exactly one tenant: after-party:tenant <id> (got ${[tenant, ...extra].join(' ')}).`);
    }
    const result = await this.core.provision({
      surface: 'cli',
      tenant,
      markDone: flags.markDone === true,
      ...runFlags(flags, this.options.lockTimeout),
      deployId: null,
    });
    if (result.report) {
      return finishRun(result.report, null, flags.json === true);
    }
    if (flags.json) {
      writeJson({ tenant: result.tenant, marked: result.marked });
    } else {
      process.stdout.write(`${result.message}\n`);
    }
    return AfterPartyExitCode.Ok;
  }

  @Option({ flags: '--mark-done', description: "record the tenant's pending per-tenant tasks as completed without running them" })
  parseMarkDone(): boolean {
    return true;
  }

  @Option({ flags: '--lock-timeout <ms>', description: 'how long to wait for another runner holding the lock (default: module option lockTimeout, 60000)' })
  parseLockTimeout(value: string): number {
    return milliseconds('--lock-timeout', value);
  }

  @Option({ flags: '--max-duration <time>', description: 'time budget (90s, 10m, 1h30m): no task or batch starts after it' })
  parseMaxDuration(value: string): number {
    return parseDuration('--max-duration', value);
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout (logs go to stderr)' })
  parseJson(): boolean {
    return true;
  }
}
