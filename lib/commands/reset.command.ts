import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { createInterface } from 'node:readline/promises';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import { writeJson } from '../cli/write-json';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { ResetDocument } from '../operator/operator-documents';
import { resetNeedsTerminal, resetOutcome, resetQuestion } from '../operator/operator.messages';
import { OperatorCore } from '../operator/operator.core';
import { AfterPartyCommand } from './after-party.command';

interface ResetFlags {
  yes?: boolean;
  json?: boolean;
  tenant?: string;
}

/** `after-party:reset <task>`: withdraws a task's completion so the next run runs it again. */
@Command({
  name: 'after-party:reset',
  arguments: '<task>',
  description: "Clear a task's completed state so the next after-party:run runs it again (history is kept)",
  argsDescription: { task: 'version or name of the task' },
})
export class ResetCommand extends AfterPartyCommand {
  constructor(
    private readonly core: OperatorCore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute(identifiers: string[], flags: ResetFlags): Promise<AfterPartyExitCode> {
    const task = this.core.one({ surface: 'cli', task: identifiers, tenant: flags.tenant }, 'reset');
    const json = flags.json === true;
    if (!flags.yes && !(await this.confirm(resetQuestion(task), json))) {
      return this.report({ task: { version: task.version, name: task.name }, action: 'reset', result: 'declined', resetRuns: 0 }, resetOutcome(task, 'declined'), json);
    }
    const result = await this.core.reset({ surface: 'cli', task: identifiers, tenant: flags.tenant, lockTimeoutMs: this.options.lockTimeout });
    return this.report({ task: result.task, action: 'reset', result: result.outcome, resetRuns: result.resetRuns }, result.message, json);
  }

  /** Prints the outcome as a line, or with `--json` as `{ task, action: 'reset', result, resetRuns }`. */
  private report(document: ResetDocument, message: string, json: boolean): AfterPartyExitCode {
    if (json) {
      writeJson(document);
    } else {
      process.stdout.write(`${message}\n`);
    }
    return AfterPartyExitCode.Ok;
  }

  private async confirm(question: string, json: boolean): Promise<boolean> {
    if (!process.stdin.isTTY) {
      throw new InvalidOptionsError(resetNeedsTerminal());
    }
    // With --json, stdout carries the JSON document alone.
    const prompt = createInterface({ input: process.stdin, output: json ? process.stderr : process.stdout });
    try {
      return /^y(es)?$/i.test((await prompt.question(question)).trim());
    } finally {
      prompt.close();
    }
  }

  @Option({ flags: '--tenant <id>', description: 'a per-tenant task: reset its run for this tenant only' })
  parseTenant(value: string): string {
    return value;
  }

  @Option({ flags: '-y, --yes', description: 'do not ask for confirmation' })
  parseYes(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
