import { Inject, Injectable } from '@nestjs/common';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import { writeJson } from '../cli/write-json';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { AfterPartyExitCode } from '../errors/exit-codes';
import { taskLabel } from '../format/text.format';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { TaskRunner } from '../runner/task.runner';
import { AfterPartyCommand } from './after-party.command';

/** What pause and cancel share: one task by version or name, and a request to its runner. */
@Injectable()
export abstract class ControlCommand extends AfterPartyCommand {
  constructor(
    protected readonly runner: TaskRunner,
    @Inject(AFTER_PARTY_OPTIONS) protected readonly options: ResolvedAfterPartyOptions,
  ) {
    super();
  }

  /** The one task named, which must be batched for a request to its runner to be heard. */
  protected task(identifiers: string[]): RegisteredTask {
    if (identifiers.length !== 1) {
      throw new InvalidOptionsError('Name exactly one task, by version or name.');
    }
    return this.runner.select(identifiers)[0];
  }

  /** Prints the outcome as a line, or with `--json` as `{ task, action, result }`. */
  protected report(task: RegisteredTask, action: string, result: string, message: string, json: boolean): AfterPartyExitCode {
    if (json) {
      writeJson({ task: { version: task.version, name: task.name }, action, result });
    } else {
      process.stdout.write(`${message}\n`);
    }
    return AfterPartyExitCode.Ok;
  }

  protected notBatched(task: RegisteredTask, what: string): InvalidOptionsError {
    return new InvalidOptionsError(
      `${taskLabel(task)} is not a batched task, so it cannot ${what} between batches. Stop its runner with SIGTERM instead (it is recorded interrupted).`,
    );
  }
}
