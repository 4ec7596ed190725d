/** How long the same worker error is held back after it was logged. */
export const REPEAT_WINDOW_MS = 60_000;

/**
 * Keeps a worker's error events from flooding the log (a worker whose Redis is down reports
 * twice a second for as long as it is down): a message is logged when it is new, and a repeat of
 * it at most once per `windowMs`, saying how many repeats were held back meanwhile. Returns the
 * line to log, or null to hold it back.
 */
export function repeatedWarnings(windowMs = REPEAT_WINDOW_MS, now: () => number = Date.now): (message: string) => string | null {
  let last: string | null = null;
  let loggedAt = 0;
  let held = 0;
  return (message) => {
    const at = now();
    if (message === last && at - loggedAt < windowMs) {
      held += 1;
      return null;
    }
    const line = message === last && held > 0 ? `${message} (${held} more like it in the last ${Math.round((at - loggedAt) / 1000)} s)` : message;
    last = message;
    loggedAt = at;
    held = 0;
    return line;
  };
}
