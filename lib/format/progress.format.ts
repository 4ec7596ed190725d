import type { TaskProgressSnapshot } from '../interfaces/run-record.interface';
import { humanDuration } from './text.format';

/**
 * `Progress 450/1000 (45%), 120.5/s, ETA 4.6 s, importing users`. Not `live` (a run that has
 * stopped): without rate, ETA and throttling, which only describe a run going on.
 */
export function describeProgress(progress: TaskProgressSnapshot, { live = true, lead = 'Progress' }: { live?: boolean; lead?: string } = {}): string {
  const share = progress.total ? ` (${Math.floor((progress.done * 100) / progress.total)}%)` : '';
  const counts = progress.total !== null ? `${progress.done}/${progress.total}${share}` : `${progress.done} done`;
  const parts = [`${lead} ${counts}`];
  if (live && progress.rate) {
    parts.push(`${progress.rate}/s`);
  }
  if (live && progress.etaMs !== null && progress.etaMs !== undefined && progress.done < (progress.total ?? 0)) {
    parts.push(`ETA ${humanDuration(progress.etaMs)}`);
  }
  if (live && progress.state === 'throttled') {
    parts.push(`throttled${progress.throttledBecause ? `: ${progress.throttledBecause}` : ''}`);
  }
  if (progress.cursor !== undefined) {
    parts.push(`cursor ${JSON.stringify(progress.cursor)}`);
  }
  return `${parts.join(', ')}${progress.message ? ` ${progress.message}` : ''}`;
}
