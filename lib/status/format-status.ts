import { describeProgress } from '../runner/progress-reporter';
import type { StatusRow, TaskState } from './status-row.interface';

const HEADERS = ['Status', 'Version', 'Name', 'Description', 'Last run', 'Duration'];
const MAX_DESCRIPTION = 48;

const COLOURS: Record<TaskState, number> = {
  completed: 32,
  marked: 32,
  pending: 33,
  running: 36,
  failed: 31,
  interrupted: 31,
  skipped: 90,
  'no task': 90,
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
      lines.push(`  ${row.version} ${row.state}: ${firstLine(row.error)}`);
    }
    if (row.progress) {
      lines.push(`  ${row.version} ${describeProgress(row.progress).toLowerCase()} (at ${row.progress.updatedAt})`);
    }
  }
  lines.push('', summary(rows));
  return lines.join('\n') + '\n';
}

function summary(rows: StatusRow[]): string {
  const counts = countStates(rows);
  const tasks = rows.length - counts['no task'];
  const always: TaskState[] = ['completed', 'pending', 'failed', 'running'];
  const parts = (['completed', 'marked', 'pending', 'failed', 'interrupted', 'running', 'skipped'] as TaskState[])
    .filter((state) => always.includes(state) || counts[state] > 0)
    .map((state) => `${counts[state]} ${state}`);
  const orphaned = counts['no task'];
  return `${tasks} task${tasks === 1 ? '' : 's'}: ${parts.join(', ')}${orphaned ? `; ${orphaned} recorded without a task class` : ''}`;
}

/** Counts of rows per state (the `summary` of `--json`). */
export function countStates(rows: StatusRow[]): Record<TaskState, number> {
  const counts = Object.fromEntries(Object.keys(COLOURS).map((state) => [state, 0])) as Record<TaskState, number>;
  for (const row of rows) {
    counts[row.state] += 1;
  }
  return counts;
}

/** 850 ms, 12.3 s, 4 min 05 s, 1 h 02 min */
export function humanDuration(ms: number): string {
  if (ms < 1000) {
    return `${ms} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  }
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
