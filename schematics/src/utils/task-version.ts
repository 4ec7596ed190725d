/** Matches a task version: a UTC timestamp written YYYYMMDDHHMMSS. */
export const TASK_VERSION_PATTERN = /^\d{14}$/;

/**
 * Formats a date as a task version: its UTC time as YYYYMMDDHHMMSS.
 *
 * @example formatTaskVersion(new Date('2026-11-26T09:45:12Z')) // '20261126094512'
 */
export function formatTaskVersion(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return (
    String(date.getUTCFullYear()).padStart(4, '0') +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds())
  );
}

/**
 * The version for a task made at `date`: its timestamp, moved on one second at
 * a time while another task already uses it (two tasks made in the same
 * second must not share a version).
 */
export function nextFreeTaskVersion(date: Date, usedVersions: ReadonlySet<string>): string {
  let candidate = new Date(date.getTime() - (date.getTime() % 1000));
  while (usedVersions.has(formatTaskVersion(candidate))) {
    candidate = new Date(candidate.getTime() + 1000);
  }
  return formatTaskVersion(candidate);
}
