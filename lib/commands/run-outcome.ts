import { commandState } from '../cli/command-state';
import { writeJson } from '../cli/write-json';
import { AfterPartyExitCode } from '../errors/exit-codes';
import type { RunReport } from '../interfaces/run-report.interface';
import type { RunReportDocument } from '../operator/operator-documents';

/** The exit code of a run: 0 ok, 5 paused on purpose with nothing failed (the lock held to the end), 1 otherwise. */
export function runExitCode(report: RunReport): AfterPartyExitCode {
  if (report.ok) {
    return AfterPartyExitCode.Ok;
  }
  // A tenant that failed is a failure even when the time budget then stopped the others.
  const tenantFailed = (report.tenants?.failed.length ?? 0) > 0;
  return report.paused && !report.lockLost && !tenantFailed ? AfterPartyExitCode.Paused : AfterPartyExitCode.TaskFailed;
}

/** Ends `after-party:run` (or `resume`): its exit code, and with `--json` the run report document. */
export function finishRun(report: RunReport, deployId: string | null, json: boolean): AfterPartyExitCode {
  commandState.forceExit ||= report.abandoned;
  const exitCode = runExitCode(report);
  if (json) {
    const { ok, paused, lockLost, detached, outcomes: tasks, notRun, tenants } = report;
    const document: RunReportDocument = { ok, exitCode, deployId, paused, lockLost, detached, tasks, notRun, ...(tenants ? { tenants } : {}) };
    writeJson(document);
  }
  return exitCode;
}
