import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { writeJson } from '../cli/write-json';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { MarkDoneDocument } from '../operator/operator-documents';
import { OperatorCore } from '../operator/operator.core';
import { AfterPartyCommand } from './after-party.command';

interface MarkDoneFlags {
  all?: boolean;
  before?: string;
  json?: boolean;
}

/** `after-party:mark-done`: records tasks as completed without running them (a baseline). */
@Command({
  name: 'after-party:mark-done',
  arguments: '[tasks...]',
  description: 'Record tasks as completed without running them (a new environment, a restored database)',
  argsDescription: { tasks: 'versions or names of the tasks to mark' },
})
export class MarkDoneCommand extends AfterPartyCommand {
  constructor(
    private readonly core: OperatorCore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  protected async execute(identifiers: string[], flags: MarkDoneFlags): Promise<AfterPartyExitCode> {
    const result = await this.core.markDone({
      surface: 'cli',
      tasks: identifiers,
      all: flags.all === true,
      before: flags.before,
      lockTimeoutMs: this.options.lockTimeout,
    });
    if (flags.json) {
      const document: MarkDoneDocument = { marked: result.marked };
      writeJson(document);
    } else {
      process.stdout.write(`${result.message}\n`);
    }
    return AfterPartyExitCode.Ok;
  }

  @Option({ flags: '--all', description: 'every task of this environment not completed yet' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--before <version>', description: 'every task older than this version' })
  parseBefore(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document on stdout' })
  parseJson(): boolean {
    return true;
  }
}
