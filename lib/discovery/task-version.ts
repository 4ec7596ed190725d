const VERSION_PATTERN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * Checks that `version` is a 14-digit UTC timestamp of a real date and time.
 * Returns null when valid, otherwise the reason.
 */
export function versionProblem(version: unknown): string | null {
  if (typeof version !== 'string') {
    return 'it must be a string';
  }
  const match = VERSION_PATTERN.exec(version);
  if (!match) {
    return 'it must be exactly 14 digits';
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!roundTrips || year < 1970) {
    return 'it is not a real date and time';
  }
  return null;
}

/** The version (YYYYMMDDHHMMSS, UTC) of a point in time. */
export function versionOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
