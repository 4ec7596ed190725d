import { isAfterPartyCommandProcess } from '../cli/command-process';

/**
 * Whether this process runs an after-party command (`node dist/main after-party:*`), not the
 * web app. It reads the command line, so it answers anywhere, even while modules are being
 * defined:
 *
 * ```ts
 * ScheduleModule.forRoot({ cronJobs: !isAfterPartyCommand() })
 * ```
 *
 * During these commands after-party already holds back the app's scheduled jobs and queue
 * workers (see the `holdBackAppJobs` option); use this for anything else the deploy hook
 * should not start, such as consumers of other message brokers.
 */
export function isAfterPartyCommand(): boolean {
  return isAfterPartyCommandProcess();
}
