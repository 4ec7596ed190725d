import { describeProgress } from '../format/progress.format';
import { firstLine, humanDuration, plural } from '../format/text.format';
import { TASK_STATES, type TaskState } from '../planning/task-state';
import type { TaskProgressSnapshot } from '../interfaces/run-record.interface';
import type { StatusRow, TenantCounts } from './status-row.interface';

export { humanDuration };

const HEADERS = ['Status', 'Version', 'Name', 'Description', 'Last run', 'Duration'];
const MAX_DESCRIPTION = 48;
/**
 * A batched task's runner saves its progress at least every 2 s while it is between batches or
 * backing off; a running record not saved for this long has a runner that died (`kill -9`, a lost
 * host) or a batch this slow.
 */
export const STALE_PROGRESS_MS = 60_000;

const COLOURS: Record<TaskState, number> = {
  completed: 32,
  marked: 32,
  pending: 33,
  running: 36,
  failed: 31,
  interrupted: 31,
  paused: 33,
  cancelled: 90,
  excluded: 90,
  'no-task': 90,
};

/**
 * Renders status rows as a table followed by a summary line; `colour` adds ANSI colours to the
 * states; `now` (epoch ms) tells how long ago a running task's progress was saved.
 */
export function formatStatus(rows: StatusRow[], header: string, colour = false, now = Date.now()): string {
  const cells = rows.map((row) => [
    row.state,
    row.version,
    row.tenants ? `${row.name} (per tenant)` : row.everyDeploy ? `${row.name} (every deploy)` : row.name,
    truncate(row.description, MAX_DESCRIPTION),
    row.lastRunAt ? row.lastRunAt.replace('T', ' ').slice(0, 19) : '-',
    row.durationMs === null ? '-' : humanDuration(row.durationMs),
  ]);
  const widths = HEADERS.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const render = (line: string[], state?: TaskState): string =>
    line
      .map((cell, column) => {
        const padded = cell.padEnd(widths[column]);
        return colour && state && column === 0 ? `\u001b[${COLOURS[state]}m${padded}\u001b[0m` : padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [header, '', render(HEADERS), ...cells.map((line, index) => render(line, rows[index].state))];
  for (const row of rows) {
    lines.push(...rowDetails(row, now));
  }
  lines.push('', summary(rows));
  return lines.join('\n') + '\n';
}

/** The lines under the table for one row: its latest error, and how far it got. */
function rowDetails(row: StatusRow, now: number): string[] {
  const lines: string[] = row.tenants ? tenantLines(row.version, row.tenants) : [];
  if (row.error) {
    const which = row.lastRunStatus === row.state ? row.state : `last run ${row.lastRunStatus}`;
    lines.push(`  ${row.version} ${which}: ${firstLine(row.error)}`);
  }
  if (row.progress) {
    lines.push(progressLine(row, row.progress, now));
  }
  return lines;
}

/** The most failed tenants listed under a per-tenant task (all of them are in `--json`). */
const MAX_FAILED_TENANTS = 10;

/** A per-tenant task's tenants in one line, then its failed tenants with their errors. */
function tenantLines(version: string, tenants: TenantCounts): string[] {
  const counts = TASK_STATES.filter((state) => tenants.states[state]).map((state) => `${tenants.states[state]} ${state}`);
  const lines = [`  ${version} over ${plural(tenants.total, 'tenant')}: ${counts.length > 0 ? counts.join(', ') : 'none listed'}`];
  for (const failed of tenants.failed.slice(0, MAX_FAILED_TENANTS)) {
    lines.push(`  ${version} ${failed.state} for ${failed.tenant}: ${firstLine(failed.error ?? '')}`);
  }
  if (tenants.failed.length > MAX_FAILED_TENANTS) {
    lines.push(`  ${version} and ${tenants.failed.length - MAX_FAILED_TENANTS} more failed tenants (after-party:status --json lists every tenant)`);
  }
  for (const running of tenants.running.slice(0, MAX_FAILED_TENANTS)) {
    lines.push(`  ${version} running for ${running.tenant}${running.progress ? `: ${describeProgress(running.progress, { live: true, lead: 'progress' })}` : ''}`);
  }
  return lines;
}

function progressLine(row: StatusRow, progress: TaskProgressSnapshot, now: number): string {
  const silentMs = now - Date.parse(progress.updatedAt);
  // Only a batched task's progress (it has a state) is saved on a clock: a plain task's is saved when it changes.
  const stale = row.state === 'running' && progress.state !== undefined && silentMs >= STALE_PROGRESS_MS;
  const live = row.state === 'running' && !stale;
  const since = stale
    ? `; nothing saved for ${humanDuration(silentMs)}: a batch that slow, or a runner gone, which the next after-party:run records interrupted`
    : '';
  return `  ${row.version} ${describeProgress(progress, { live, lead: 'progress' })} (at ${progress.updatedAt}${since})`;
}

function summary(rows: StatusRow[]): string {
  const counts = countStates(rows);
  const tasks = rows.length - counts['no-task'];
  const always: TaskState[] = ['completed', 'pending', 'failed', 'running'];
  const parts = TASK_STATES.filter((state) => state !== 'no-task' && (always.includes(state) || counts[state] > 0)).map(
    (state) => `${counts[state]} ${state}`,
  );
  const orphaned = counts['no-task'];
  return `${plural(tasks, 'task')}: ${parts.join(', ')}${orphaned ? `; ${orphaned} recorded without a task class` : ''}`;
}

/** Counts of rows per state (the `summary` of `--json`). */
export function countStates(rows: StatusRow[]): Record<TaskState, number> {
  const counts = Object.fromEntries(TASK_STATES.map((state) => [state, 0])) as Record<TaskState, number>;
  for (const row of rows) {
    counts[row.state] += 1;
  }
  return counts;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
