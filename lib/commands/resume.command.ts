import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS, DEPLOY_ID_ENV } from '../config/after-party.constants';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { parseDuration } from '../cli/parse-duration';
import type { AfterPartyExitCode } from '../errors/exit-codes';
import { OperatorCore } from '../operator/operator.core';
import { resolveDeployId } from '../planning/deploy-id';
import { AfterPartyCommand } from './after-party.command';
import { finishRun } from './run-outcome';
import { runFlags } from './run.command';

/**
 * `after-party:resume <task>`: runs a paused or interrupted batched task again from its cursor,
 * as `after-party:run <task>` does; any other state is refused, saying why.
 */
@Command({
  name: 'after-party:resume',
  arguments: '<task>',
  description: 'Run a paused or interrupted batched task again from its cursor, as after-party:run <task> does; refuses any other state',
  argsDescription: { task: 'version or name of the task' },
})
export class ResumeCommand extends AfterPartyCommand {
  constructor(
    private readonly core: OperatorCore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute(identifiers: string[], flags: { json?: boolean; maxDuration?: number }): Promise<AfterPartyExitCode> {
    const deployId = resolveDeployId(undefined, `$${DEPLOY_ID_ENV}`);
    const report = await this.core.resume({ ...runFlags(flags, this.options.lockTimeout), surface: 'cli', task: identifiers, deployId });
    return finishRun(report, deployId, flags.json === true);
  }

  @Option({ flags: '--max-duration <time>', description: 'time budget (90s, 10m, 1h30m): it pauses again after the batch that spends it (exit 5)' })
  parseMaxDuration(value: string): number {
    return parseDuration('--max-duration', value);
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout (logs go to stderr)' })
  parseJson(): boolean {
    return true;
  }
}
