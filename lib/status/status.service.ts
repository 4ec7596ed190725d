import { Inject, Injectable } from '@nestjs/common';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../config/after-party.constants';
import { TaskRegistry } from '../discovery/task.registry';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore } from '../interfaces/store.interface';
import { ENDED_WITH_ERROR, hasStatus, PROGRESS_SPENT } from '../planning/run-status';
import { NEEDS_ATTENTION, taskState } from '../planning/task-state';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { StatusRow } from './status-row.interface';

/** Joins the app's tasks with what the records say about them. Reads only; takes no lock. */
@Injectable()
export class StatusService {
  constructor(
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
    private readonly registry: TaskRegistry,
  ) {}

  /** Every task (and every version recorded without a task class), in version order. */
  async rows(): Promise<StatusRow[]> {
    const [states, runs] = await Promise.all([this.store.versionStates(null), this.store.latestRuns()]);
    const versions = new Map(states.map((state) => [state.version, state]));
    const latest = new Map(runs.map((run) => [run.version, run]));
    const rows: StatusRow[] = this.registry.all().map((task) => {
      const run = latest.get(task.version);
      latest.delete(task.version);
      return {
        state: taskState(task, this.options.environment, versions.get(task.version), run),
        version: task.version,
        name: task.name,
        description: task.description,
        everyDeploy: task.everyDeploy,
        ...runFields(run),
      };
    });
    // Records whose task class is gone stay visible, so history is never silently lost.
    for (const run of latest.values()) {
      rows.push({ state: 'no-task', version: run.version, name: run.name, description: '', everyDeploy: false, ...runFields(run) });
    }
    return rows.sort((a, b) => a.version.localeCompare(b.version));
  }

  /** The rows that need attention (`status --check`): pending, running, failed or interrupted. */
  static needingAttention(rows: StatusRow[]): StatusRow[] {
    return rows.filter((row) => NEEDS_ATTENTION.includes(row.state));
  }
}

function runFields(run: TaskRunRecord | undefined): Pick<StatusRow, 'lastRunAt' | 'lastRunStatus' | 'durationMs' | 'error' | 'progress'> {
  if (!run) {
    return { progress: null, lastRunAt: null, lastRunStatus: null, durationMs: null, error: null };
  }
  return {
    // How far a run got, while it runs or while the next run would go on from it (not once a
    // task completed, or was reset to start over).
    progress: hasStatus(PROGRESS_SPENT, run.status) ? null : run.progress,
    lastRunAt: run.startedAt,
    lastRunStatus: run.status,
    durationMs: run.durationMs,
    error: hasStatus(ENDED_WITH_ERROR, run.status) ? run.error : null,
  };
}
