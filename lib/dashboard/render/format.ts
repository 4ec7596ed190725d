import { humanDuration } from '../../format/text.format';
import type { TaskProgressSnapshot } from '../../interfaces/run-record.interface';
import { escape } from './html';

/** `12 s ago`, `4 min ago`, `3 h ago`, `2 d ago`, from an ISO time. */
export function ago(iso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(iso));
  if (ms < 60_000) {
    return `${Math.floor(ms / 1000)} s ago`;
  }
  if (ms < 3_600_000) {
    return `${Math.floor(ms / 60_000)} min ago`;
  }
  return ms < 86_400_000 ? `${Math.floor(ms / 3_600_000)} h ago` : `${Math.floor(ms / 86_400_000)} d ago`;
}

/** A `<time>` element: relative text, the exact UTC time on hover. */
export function timeTag(iso: string | null, now: number): string {
  if (iso === null) {
    return '<span class="none">never</span>';
  }
  return `<time datetime="${escape(iso)}" title="${escape(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}">${ago(iso, now)}</time>`;
}

/** A duration, or a dash. */
export function duration(ms: number | null): string {
  return ms === null ? '<span class="none">–</span>' : escape(humanDuration(ms));
}

/** `1,234,567`: numbers grouped by thousands. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** `450 / 1,000 (45%)`, or `450 done` without a total. */
function counts({ done, total }: TaskProgressSnapshot): string {
  if (total === null) {
    return `${count(done)} done`;
  }
  return total ? `${count(done)} / ${count(total)} (${Math.floor((done * 100) / total)}%)` : `${count(done)} / ${count(total)}`;
}

/** What only describes a run going on: its rate, its ETA while work is left, its throttling. */
function liveParts({ rate, etaMs, done, total, state, throttledBecause }: TaskProgressSnapshot): string[] {
  const parts: string[] = [];
  if (rate) {
    parts.push(`${count(Math.round(rate * 10) / 10)}/s`);
  }
  if (etaMs !== null && etaMs !== undefined && done < (total ?? 0)) {
    parts.push(`ETA ${humanDuration(etaMs)}`);
  }
  if (state === 'throttled') {
    parts.push(throttledBecause ? `throttled: ${throttledBecause}` : 'throttled');
  }
  return parts;
}

/** The progress bar and its numbers: processed/total (percent), and while it runs its rate and ETA. */
export function progressCell(progress: TaskProgressSnapshot | null, live: boolean): string {
  if (!progress) {
    return '';
  }
  const bar = progress.total ? `<progress value="${progress.done}" max="${progress.total}"></progress>` : '<progress></progress>';
  const parts = [counts(progress), ...(live ? liveParts(progress) : [])];
  return `<div class="progress">${bar}<span class="num">${escape(parts.join(' · '))}</span></div>`;
}

/** A state or status as a badge. */
export function badge(state: string): string {
  return `<span class="badge badge-${escape(state)}">${escape(state)}</span>`;
}
