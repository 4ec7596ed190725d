const VERSION_PATTERN = /^\d{14}$/;

/** Days in `month` (1 to 12) of `year`, in the proleptic Gregorian calendar JavaScript's dates use. */
function daysIn(year: number, month: number): number {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Checks that `version` is a 14-digit UTC timestamp of a real date and time, from 1970 on.
 * Returns null when valid, otherwise the reason. Plain arithmetic, no `Date`: every task of an
 * app is checked at each boot, a deploy hook's with nothing to run included.
 */
export function versionProblem(version: unknown): string | null {
  if (typeof version !== 'string') {
    return 'it must be a string';
  }
  if (!VERSION_PATTERN.test(version)) {
    return 'it must be exactly 14 digits';
  }
  const part = (from: number, to: number): number => Number(version.slice(from, to));
  const [year, month, day] = [part(0, 4), part(4, 6), part(6, 8)];
  const dateExists = year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
  return dateExists && timeExists(part(8, 10), part(10, 12), part(12, 14)) ? null : 'it is not a real date and time';
}

/** A time of day as UTC has it: no 24:00, no leap second. */
function timeExists(hour: number, minute: number, second: number): boolean {
  return hour <= 23 && minute <= 59 && second <= 59;
}

/** The version (YYYYMMDDHHMMSS, UTC) of a point in time. */
export function versionOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
