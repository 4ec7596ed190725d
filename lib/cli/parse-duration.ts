import { MAX_TIMER_MS } from '../config/after-party.constants';
import { InvalidOptionsError } from '../errors/invalid-options.error';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration flag: `90s`, `10m`, `1h30m`, `1.5h`, or plain milliseconds (`5400000`).
 * Throws an exit-2 error naming the accepted forms.
 */
export function parseDuration(flag: string, value: string): number {
  const text = value.trim();
  let total = 0;
  if (/^\d+$/.test(text)) {
    total = Number(text);
  } else {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
      throw new InvalidOptionsError(`${flag} needs a duration such as 90s, 10m, 1h30m or milliseconds, not ${JSON.stringify(value)}.`);
    }
    total = Math.round(parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNITS[unit], 0));
  }
  if (total < 1 || total > MAX_TIMER_MS) {
    throw new InvalidOptionsError(`${flag} must be from 1 ms to ${MAX_TIMER_MS} ms (about 24.8 days), not ${JSON.stringify(value)}.`);
  }
  return total;
}
