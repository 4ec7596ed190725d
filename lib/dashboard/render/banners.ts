import { humanDuration, plural, taskLabel } from '../../format/text.format';
import type { StatusRow } from '../../status/status-row.interface';

/** A line across the top of the overview: something an operator should look at. */
export interface Banner {
  level: 'warning' | 'error';
  text: string;
}

/** What the banners are made from. */
export interface BannerInput {
  rows: StatusRow[];
  pendingMigrations: string[];
  /** Whether the run lock was free while a task was recorded running. */
  lockFree: boolean;
  stuckAfterMs: number;
  now: number;
}

/** When a running task last showed life: its latest progress, else its start. */
function lastMoved(row: StatusRow): number {
  return Date.parse(row.progress?.updatedAt ?? row.lastRunAt ?? '') || 0;
}

/** The banners of the overview: a lost runner, stuck runs, pending schema migrations. */
export function banners({ rows, pendingMigrations, lockFree, stuckAfterMs, now }: BannerInput): Banner[] {
  const running = rows.filter((row) => row.state === 'running');
  const found: Banner[] = [];
  if (lockFree && running.length > 0) {
    found.push({
      level: 'error',
      text:
        `No runner holds the run lock, yet ${running.map(taskLabel).join(', ')} ${running.length === 1 ? 'is' : 'are'} recorded running: ` +
        'its runner lost the lock or stopped (or left a distributed task to its workers). The next after-party:run records a lost run interrupted and resumes it.',
    });
  }
  for (const row of running) {
    const still = now - lastMoved(row);
    if (still > stuckAfterMs) {
      found.push({ level: 'warning', text: `${taskLabel(row)} has been running with no progress for ${humanDuration(still)}: it may be stuck.` });
    }
  }
  if (pendingMigrations.length > 0) {
    found.push({
      level: 'warning',
      text: `${plural(pendingMigrations.length, 'schema migration')} pending (${pendingMigrations.join(', ')}): after-party:run refuses until they are applied.`,
    });
  }
  return found;
}
