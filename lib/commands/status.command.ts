import { Command, Option } from 'nest-commander';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { writeJson } from '../cli/write-json';
import type { StatusDocument } from '../operator/operator-documents';
import { checkFailed, statusHeader } from '../operator/operator.messages';
import { OperatorCore } from '../operator/operator.core';
import { formatStatus } from '../status/format-status';
import { AfterPartyCommand } from './after-party.command';
interface StatusFlags {
  json?: boolean;
  check?: boolean;
}

/** `after-party:status`: every task with its latest run, like a migration overview. */
@Command({ name: 'after-party:status', description: 'Show every deploy task with the state of its latest run' })
export class StatusCommand extends AfterPartyCommand {
  constructor(private readonly core: OperatorCore) {
    super();
  }

  protected async execute(_params: string[], flags: StatusFlags): Promise<AfterPartyExitCode> {
    const { needsAttention, ...document } = await this.core.status();
    const exitCode = flags.check && needsAttention.length > 0 ? AfterPartyExitCode.CheckFailed : AfterPartyExitCode.Ok;
    if (flags.json) {
      writeJson(document satisfies StatusDocument);
      return exitCode;
    }
    const header = statusHeader(document.store, document.environment);
    process.stdout.write(formatStatus(document.tasks, header, process.stdout.isTTY === true && !process.env.NO_COLOR));
    if (exitCode === AfterPartyExitCode.CheckFailed) {
      process.stdout.write(`${checkFailed(needsAttention)}\n`);
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
