import { AfterPartyExitCode } from '../errors/exit-codes';
import { AfterPartyError } from '../errors/after-party.error';

/** Thrown to end commander's help or version output without an error. */
export class CommanderExitSignal extends Error {
  constructor(readonly exitCode: number) {
    super('commander exit');
  }
}

/**
 * Prints a failure as one line on stderr and sets the exit code: the documented code of an
 * {@link AfterPartyError}, 1 for anything unexpected.
 */
export function reportFailure(error: unknown): void {
  if (error instanceof CommanderExitSignal) {
    process.exitCode = error.exitCode;
    return;
  }
  if (error instanceof AfterPartyError) {
    process.stderr.write(`after-party: ${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`after-party: unexpected error: ${message.split('\n')[0]}\n`);
  if (error instanceof Error && error.stack && process.env.AFTER_PARTY_DEBUG) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = AfterPartyExitCode.TaskFailed;
}
