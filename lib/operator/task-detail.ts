import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore, RunPage } from '../interfaces/store.interface';
import type { BatchesDocument, TaskDescriptionDocument, TaskRunDocument } from './operator-documents';

/** The most failed batches a task page lists. */
const FAILED_LISTED = 20;

/** How a task is declared, as a document. */
export function describeTask(task: RegisteredTask): TaskDescriptionDocument {
  return {
    version: task.version,
    name: task.name,
    description: task.description,
    everyDeploy: task.everyDeploy,
    kind: task.kind,
    transaction: task.batch ? task.batch.transaction : task.transaction,
    timeoutMs: task.timeout,
    environments: task.environments,
    batch: task.batch ? { size: task.batch.size, pauseMs: task.batch.pause, queue: task.batch.distribute?.queue ?? null } : null,
    perTenant: task.perTenant,
  };
}

/** A run record as a document. */
export function runDocument(run: TaskRunRecord): TaskRunDocument {
  const { id, status, kind, deployId, startedAt, finishedAt, durationMs, host, pid, actor, error, progress, checkpoint } = run;
  return { id, status, kind, deployId, startedAt, finishedAt, durationMs, host, pid, actor, error, progress, checkpoint };
}

/** One page of a task's runs, reading one more than asked to tell whether older ones follow. */
export async function runPage(store: AfterPartyStore, version: string, page: RunPage): Promise<{ runs: TaskRunDocument[]; more: boolean }> {
  const runs = await store.runsOf(version, { offset: page.offset, limit: page.limit + 1 });
  return { runs: runs.slice(0, page.limit).map(runDocument), more: runs.length > page.limit };
}

/** The distribution a distributed task's latest run checkpointed, or null. */
function distributionOf(latest: TaskRunRecord | null): string | null {
  const checkpoint = latest?.checkpoint as { distribution?: { id?: unknown } } | null | undefined;
  return typeof checkpoint?.distribution?.id === 'string' ? checkpoint.distribution.id : null;
}

/** The batches of a distributed task's latest distribution, from the store's batch ledger; null for other tasks. */
export async function batchesOf(store: AfterPartyStore, task: RegisteredTask): Promise<BatchesDocument | null> {
  const ledger = store.capabilities.batchLedger;
  const distributionId = task.kind === 'distributed' && ledger ? distributionOf(await store.lastRun(task.version)) : null;
  if (!ledger || distributionId === null) {
    return null;
  }
  const [summary, batches] = await Promise.all([ledger.summary(task.version, distributionId), ledger.list(task.version, distributionId, ['completed', 'failed'])]);
  const workers = [...new Set(batches.map((batch) => batch.worker).filter((worker): worker is string => worker !== null))].sort();
  const failedBatches = batches
    .filter((batch) => batch.status === 'failed')
    .slice(0, FAILED_LISTED)
    .map(({ batchNo, error, attempts }) => ({ batchNo, error, attempts }));
  const { total, completed, queued, failed, itemsDone } = summary;
  return { distributionId, total, completed, queued, failed, itemsDone, workers, failedBatches };
}
