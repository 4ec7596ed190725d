import { AfterPartyExitCode } from './exit-codes';
import { AfterPartyError } from './after-party.error';

/** Another runner held the run lock for longer than the lock timeout. */
export class LockTimeoutError extends AfterPartyError {
  constructor(
    lockName: string,
    waitedMs: number,
    /** Who holds the lock (host, pid, since when), when that can be known. */
    readonly holder?: string,
  ) {
    super(
      `Could not take the after-party lock (${lockName}) within ${waitedMs} ms` +
        `${holder ? `: held by ${holder}` : ': another runner holds it'}. ` +
        `Wait for that run to finish, or raise --lock-timeout (lockTimeout in code).`,
      AfterPartyExitCode.LockTimeout,
    );
  }
}
