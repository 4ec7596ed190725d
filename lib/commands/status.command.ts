import { Inject } from '@nestjs/common';
import { Command } from 'nest-commander';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../after-party.constants';
import { AfterPartyExitCode } from '../cli/exit-codes';
import type { AfterPartyStore } from '../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../resolve-options';
import { formatStatus } from '../status/format-status';
import { StatusService } from '../status/status.service';
import { AfterPartyCommand } from './after-party.command';

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

  protected async execute(): Promise<AfterPartyExitCode> {
    const rows = await this.status.rows();
    process.stdout.write(formatStatus(rows, `after-party status (${this.store.description}, environment ${this.options.environment})`));
    return AfterPartyExitCode.Ok;
  }
}
