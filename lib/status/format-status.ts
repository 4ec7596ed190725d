import type { StatusRow, TaskState } from './status-row.interface';

const HEADERS = ['Status', 'Version', 'Name', 'Description', 'Last run', 'Duration'];
const MAX_DESCRIPTION = 48;

/** Renders status rows as a plain-text table followed by a summary line. */
export function formatStatus(rows: StatusRow[], header: string): string {
  const cells = rows.map((row) => [
    row.state,
    row.version,
    row.everyDeploy ? `${row.name} (every deploy)` : row.name,
    truncate(row.description, MAX_DESCRIPTION),
    row.lastRunAt ? row.lastRunAt.replace('T', ' ').slice(0, 19) : '-',
    row.durationMs === null ? '-' : humanDuration(row.durationMs),
  ]);
  const widths = HEADERS.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const render = (line: string[]): string => line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  const lines = [header, '', render(HEADERS), ...cells.map(render)];
  for (const row of rows.filter((r) => r.error)) {
    lines.push(`  ${row.version} ${row.state}: ${firstLine(row.error ?? '')}`);
  }
  lines.push('', summary(rows));
  return lines.join('\n') + '\n';
}

function summary(rows: StatusRow[]): string {
  const counts = new Map<TaskState, number>();
  for (const row of rows) {
    counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  }
  const tasks = rows.length - (counts.get('no task') ?? 0);
  const parts = (['completed', 'marked', 'pending', 'failed', 'interrupted', 'running'] as TaskState[])
    .filter((state) => ['completed', 'pending', 'failed', 'running'].includes(state) || counts.has(state))
    .map((state) => `${counts.get(state) ?? 0} ${state}`);
  const orphaned = counts.get('no task');
  return `${tasks} task${tasks === 1 ? '' : 's'}: ${parts.join(', ')}${orphaned ? `; ${orphaned} recorded without a task class` : ''}`;
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
