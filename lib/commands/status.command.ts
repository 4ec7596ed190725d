import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../config/after-party.constants';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { writeJson } from '../cli/write-json';
import type { AfterPartyStore } from '../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { countStates, formatStatus } from '../status/format-status';
import { StatusService } from '../status/status.service';
import { AfterPartyCommand } from './after-party.command';

interface StatusFlags {
  json?: boolean;
  check?: boolean;
}

/** `after-party:status`: every task with its latest run, like a migration overview. */
@Command({ name: 'after-party:status', description: 'Show every deploy task with the state of its latest run' })
export class StatusCommand extends AfterPartyCommand {
  constructor(
    private readonly status: StatusService,
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute(_params: string[], flags: StatusFlags): Promise<AfterPartyExitCode> {
    const rows = await this.status.rows();
    const unfinished = StatusService.needingAttention(rows);
    const exitCode = flags.check && unfinished.length > 0 ? AfterPartyExitCode.CheckFailed : AfterPartyExitCode.Ok;
    if (flags.json) {
      writeJson({ store: this.store.description, environment: this.options.environment, tasks: rows, summary: countStates(rows) });
    } else {
      const header = `after-party status (${this.store.description}, environment ${this.options.environment})`;
      process.stdout.write(formatStatus(rows, header, process.stdout.isTTY === true && !process.env.NO_COLOR));
      if (exitCode === AfterPartyExitCode.CheckFailed) {
        process.stdout.write(`Check failed: ${unfinished.map((row) => `${row.version} ${row.name} is ${row.state}`).join(', ')}\n`);
      }
    }
    return exitCode;
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }

  @Option({ flags: '--check', description: 'exit with code 4 while a task is pending, running, failed or interrupted (readiness probes, CI gates)' })
  parseCheck(): boolean {
    return true;
  }
}
