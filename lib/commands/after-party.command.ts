import type { Command } from 'commander';
import { CommandRunner } from 'nest-commander';
import { onCommanderExit } from '../cli/commander-exit';
import type { AfterPartyExitCode } from '../errors/exit-codes';
import { reportFailure } from '../cli/report-failure';

/** Base of after-party commands: maps results and errors to documented exit codes. */
export abstract class AfterPartyCommand extends CommandRunner {
  override setCommand(command: Command): this {
    // Subcommands do not inherit the root's exit hook: usage errors must not exit with 1.
    command.exitOverride(onCommanderExit);
    return super.setCommand(command);
  }

  async run(params: string[], flags: Record<string, unknown>): Promise<void> {
    try {
      process.exitCode = await this.execute(params, flags);
    } catch (error) {
      reportFailure(error);
    }
  }

  protected abstract execute(params: string[], flags: Record<string, unknown>): Promise<AfterPartyExitCode>;
}
