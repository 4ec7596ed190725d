import { Inject, Injectable } from '@nestjs/common';
import { AFTER_PARTY_STORE } from '../after-party.constants';
import { TaskRegistry } from '../discovery/task.registry';
import { TaskRunner } from '../runner/task.runner';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore } from '../interfaces/store.interface';
import type { StatusRow, TaskState } from './status-row.interface';

/** Joins the app's tasks with their latest recorded runs. Reads only; takes no lock. */
@Injectable()
export class StatusService {
  constructor(
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    private readonly registry: TaskRegistry,
    private readonly runner: TaskRunner,
  ) {}

  async rows(): Promise<StatusRow[]> {
    const latest = new Map((await this.store.latestRuns()).map((run) => [run.version, run]));
    const rows: StatusRow[] = this.registry.all().map((task) => {
      const run = latest.get(task.version);
      latest.delete(task.version);
      return {
        state: run ? stateOf(run) : this.runner.inEnvironment(task) ? 'pending' : 'skipped',
        version: task.version,
        name: task.name,
        description: task.description,
        everyDeploy: task.everyDeploy,
        ...runFields(run),
      };
    });
    // Records whose task class is gone stay visible, so history is never silently lost.
    for (const run of latest.values()) {
      rows.push({ state: 'no task', version: run.version, name: run.name, description: '', everyDeploy: false, ...runFields(run) });
    }
    return rows.sort((a, b) => a.version.localeCompare(b.version));
  }
}

function stateOf(run: TaskRunRecord): TaskState {
  if (run.status === 'completed') {
    return run.kind === 'baseline' ? 'marked' : 'completed';
  }
  return run.status === 'reset' ? 'pending' : run.status;
}

function runFields(run: TaskRunRecord | undefined): Pick<StatusRow, 'lastRunAt' | 'durationMs' | 'error' | 'progress'> {
  return {
    progress: run && run.status !== 'completed' ? run.progress : null,
    lastRunAt: run?.startedAt ?? null,
    durationMs: run?.durationMs ?? null,
    error: run && (run.status === 'failed' || run.status === 'interrupted') ? run.error : null,
  };
}
