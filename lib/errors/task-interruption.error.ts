import { AfterPartyError } from './after-party.error';
import { AfterPartyExitCode } from './exit-codes';

/** Why a task's signal was aborted: a shutdown signal, its timeout, or a lost lock. */
export class TaskInterruption extends AfterPartyError {
  constructor(
    message: string,
    /** `interrupted` for shutdown signals and lost locks, `failed` for timeouts. */
    readonly recordAs: 'interrupted' | 'failed',
  ) {
    super(message, AfterPartyExitCode.TaskFailed);
  }
}
