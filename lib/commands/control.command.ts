import { Injectable } from '@nestjs/common';
import { writeJson } from '../cli/write-json';
import { AfterPartyExitCode } from '../errors/exit-codes';
import type { ControlDocument } from '../operator/operator-documents';
import { OperatorCore } from '../operator/operator.core';
import type { CancelResult, PauseResult } from '../operator/operator-results';
import { AfterPartyCommand } from './after-party.command';

/** What pause and cancel share: the operator core, and the outcome as a line or a `--json` document. */
@Injectable()
export abstract class ControlCommand extends AfterPartyCommand {
  constructor(protected readonly core: OperatorCore) {
    super();
  }

  /** Prints the outcome as a line, or with `--json` as `{ task, action, result }`. */
  protected report(action: ControlDocument['action'], result: PauseResult | CancelResult, json: boolean): AfterPartyExitCode {
    if (json) {
      const document: ControlDocument = { task: result.task, action, result: result.outcome };
      writeJson(document);
    } else {
      process.stdout.write(`${result.message}\n`);
    }
    return AfterPartyExitCode.Ok;
  }
}
