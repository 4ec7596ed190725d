import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * The run lock was lost while held: its connection died, or its lease was not renewed in time
 * and another runner may have taken it over. The run stops; nothing more is recorded as completed.
 */
export class LockLostError extends AfterPartyError {
  constructor(what: string, cause?: unknown) {
    super(
      `The run lock was lost (${what}): this runner stopped and started no further task. ` +
        'Run after-party:run again; keep the lock connection direct (no transaction pooler, no idle timeout shorter than a task), or raise lockLease.',
      AfterPartyExitCode.TaskFailed,
    );
    this.cause = cause;
  }
}
