import { AfterPartyExitCode } from './exit-codes';

/**
 * Base class of every error after-party throws on purpose. Its message is one line
 * that says what is wrong and how to fix it; `exitCode` is what the CLI exits with.
 */
export class AfterPartyError extends Error {
  constructor(
    message: string,
    readonly exitCode: AfterPartyExitCode = AfterPartyExitCode.Usage,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
