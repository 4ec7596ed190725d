import { firstLine, humanDuration, plural } from '../format/text.format';
import { TASK_STATES, type TaskState } from '../planning/task-state';
import { describeProgress } from '../runner/progress-reporter';
import type { StatusRow } from './status-row.interface';

export { humanDuration };

const HEADERS = ['Status', 'Version', 'Name', 'Description', 'Last run', 'Duration'];
const MAX_DESCRIPTION = 48;

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

/** Renders status rows as a table followed by a summary line; `colour` adds ANSI colours to the states. */
export function formatStatus(rows: StatusRow[], header: string, colour = false): string {
  const cells = rows.map((row) => [
    row.state,
    row.version,
    row.everyDeploy ? `${row.name} (every deploy)` : row.name,
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
    if (row.error) {
      const which = row.lastRunStatus === row.state ? row.state : `last run ${row.lastRunStatus}`;
      lines.push(`  ${row.version} ${which}: ${firstLine(row.error)}`);
    }
    if (row.progress) {
      const live = row.state === 'running';
      lines.push(`  ${row.version} ${describeProgress(row.progress, { live, lead: 'progress' })} (at ${row.progress.updatedAt})`);
    }
  }
  lines.push('', summary(rows));
  return lines.join('\n') + '\n';
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
