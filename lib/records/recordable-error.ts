import { messageOf } from '../format/text.format';

/** Most characters of an error message a run record keeps (4 bytes each at worst: fits a 64 KB TEXT). */
export const MAX_RECORDED_ERROR = 8000;

/**
 * A task's error as a run record can always store it: any thrown value described, NUL bytes and
 * lone surrogates (which PostgreSQL or MySQL refuse) replaced, and cut to
 * {@link MAX_RECORDED_ERROR} characters with a note saying so. The full text goes to the log.
 */
export function recordableError(error: unknown): string {
  const text = describeThrown(error)
    .replaceAll('\u0000', '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (text.length <= MAX_RECORDED_ERROR) {
    return text;
  }
  const note = ` [cut: ${text.length} characters in all; the full error is in the runner's log]`;
  let kept = text.slice(0, MAX_RECORDED_ERROR - note.length);
  // Never end on half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(kept)) {
    kept = kept.slice(0, -1);
  }
  return `${kept}${note}`;
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) {
    return messageOf(error);
  }
  let shown: string;
  try {
    shown = JSON.stringify(error) ?? messageOf(error);
  } catch {
    shown = messageOf(error);
  }
  return `A non-Error value was thrown: ${shown}. Throw an Error to get a message and stack trace.`;
}
