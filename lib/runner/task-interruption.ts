import { AfterPartyError } from '../errors/after-party.error';
import { AfterPartyExitCode } from '../cli/exit-codes';

/** Why a task's signal was aborted: a shutdown signal or its timeout. */
export class TaskInterruption extends AfterPartyError {
  constructor(
    message: string,
    /** `interrupted` for shutdown signals, `failed` for timeouts. */
    readonly recordAs: 'interrupted' | 'failed',
  ) {
    super(message, AfterPartyExitCode.TaskFailed);
  }
}
