/** `20261126094512 backfill-user-slugs`: how logs and messages name a task. */
export function taskLabel(task: { version: string; name: string }): string {
  return `${task.version} ${task.name}`;
}

/** `1 task`, `3 tasks`: a count with its noun, plural when it is not one. */
export function plural(count: number, noun: string, pluralForm = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralForm}`;
}

/** The first line of a message (errors from drivers often carry a second line of detail). */
export function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** The message of a thrown value, whatever was thrown (a value whose `String()` throws included). */
export function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message || error.name) : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
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
