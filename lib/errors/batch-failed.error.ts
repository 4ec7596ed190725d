import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/**
 * A batch of a distributed task still failed after its attempts on the workers. The run fails
 * with it; the next `after-party:run` retries only the failed batches. The message names the
 * batch and carries the error a worker recorded (its stack is in that worker's log).
 */
export class BatchFailedError extends AfterPartyError {
  constructor(
    /** The failed batch's number (1-based), or null when the store did not say which. */
    readonly batchNo: number | null,
    /** How many batches the distribution has. */
    readonly batches: number,
    /** The error the worker recorded. */
    readonly batchError: string | null,
  ) {
    super(`${batchNo === null ? 'A batch' : `Batch ${batchNo} of ${batches}`} failed after its retries: ${batchError ?? 'no error recorded'}`, AfterPartyExitCode.TaskFailed);
  }
}
