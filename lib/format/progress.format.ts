import type { TaskProgressSnapshot } from '../interfaces/run-record.interface';
import { humanDuration } from './text.format';

/**
 * `Progress 450/1000 (45%), 120.5/s, ETA 4.6 s, importing users`. Not `live` (a run that has
 * stopped): without rate, ETA and throttling, which only describe a run going on.
 */
export function describeProgress(progress: TaskProgressSnapshot, { live = true, lead = 'Progress' }: { live?: boolean; lead?: string } = {}): string {
  const parts = [`${lead} ${counts(progress)}`, ...(live ? liveParts(progress) : [])];
  if (progress.cursor !== undefined) {
    parts.push(`cursor ${JSON.stringify(progress.cursor)}`);
  }
  return `${parts.join(', ')}${progress.message ? ` ${progress.message}` : ''}`;
}

/** `450/1000 (45%)`, or `450 done` without a total. */
function counts({ done, total }: TaskProgressSnapshot): string {
  if (total === null) {
    return `${done} done`;
  }
  return total ? `${done}/${total} (${Math.floor((done * 100) / total)}%)` : `${done}/${total}`;
}

/** What only describes a run going on: its rate, its ETA while work is left, and its throttling. */
function liveParts({ rate, etaMs, done, total, state, throttledBecause }: TaskProgressSnapshot): string[] {
  const parts: string[] = [];
  if (rate) {
    parts.push(`${rate}/s`);
  }
  if (etaMs !== null && etaMs !== undefined && done < (total ?? 0)) {
    parts.push(`ETA ${humanDuration(etaMs)}`);
  }
  if (state === 'throttled') {
    parts.push(throttledBecause ? `throttled: ${throttledBecause}` : 'throttled');
  }
  return parts;
}
