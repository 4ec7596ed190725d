import type { EventEmitter } from 'node:events';

/** What one line of the progress bar shows. */
export interface BarLine {
  name: string;
  done: number;
  total: number;
  /** Units per second, formatted. */
  rate: string;
  /** Time left, formatted, when known. */
  eta: string | null;
  message: string;
}

/** The bar's width, in columns, between these bounds as the terminal allows. */
const MIN_BAR = 10;
const MAX_BAR = 40;

/**
 * The bar's line fitted to a terminal `width` columns wide: the bar shrinks first, then the end of
 * the line is cut (marked `…`); one column stays free, since a line as wide as the terminal wraps
 * on some terminals and the bar would then draw a new line every time.
 */
export function fitBarLine(line: BarLine, width: number): string {
  const room = Math.max(20, width - 1);
  const share = line.total > 0 ? Math.min(1, line.done / line.total) : 0;
  const percent = line.total > 0 ? Math.floor((line.done * 100) / line.total) : 0;
  const head = `${line.name} [`;
  const tail = `] ${percent}% | ${line.done}/${line.total} | ${line.rate}/s${line.eta ? ` | ETA ${line.eta}` : ''}${line.message ? ` | ${line.message}` : ''}`;
  const size = Math.max(MIN_BAR, Math.min(MAX_BAR, room - head.length - tail.length));
  const filled = Math.round(share * size);
  const text = `${head}${'='.repeat(filled)}${'-'.repeat(size - filled)}${tail}`;
  return text.length > room ? `${text.slice(0, room - 1)}…` : text;
}

/**
 * Keeps the bar's closing on the bar's own line. cli-progress saves the cursor when the bar starts
 * and, when it stops, restores it and moves to a new line. A terminal restores a saved cursor to
 * the same row of the screen: once log lines have pushed the bar down (or scrolled the screen), that
 * row holds a log line, the next line would be written over one, and the bar's last frame would be
 * left under it. Saving the cursor again at the start of every frame (the final one included)
 * keeps that restore on the bar's line. Stays for the bar's lifetime.
 */
export function anchorBarCursor(bar: EventEmitter, barStream: NodeJS.WritableStream): void {
  const write = barStream.write;
  bar.on('redraw-pre', () => {
    // To the start of the bar's line (where the frame is drawn anyway), and save the cursor there.
    write.call(barStream, '\r\u001b7');
  });
}

/**
 * Keeps log lines off the bar: the bar is redrawn in place, with the cursor left at its end, so a
 * line written meanwhile to the same terminal would be glued to it. While this holds, a write that
 * is not the bar's own first clears the bar's line (the bar is drawn again below, on its next
 * frame). Returns the function that puts the streams back, to be called before the bar stops.
 */
export function keepLinesOffTheBar(bar: EventEmitter, barStream: NodeJS.WritableStream, streams: NodeJS.WritableStream[]): () => void {
  let drawing = false;
  let shown = false;
  const onPre = (): void => {
    drawing = true;
  };
  const onPost = (): void => {
    drawing = false;
    shown = true;
  };
  bar.on('redraw-pre', onPre);
  bar.on('redraw-post', onPost);
  const originals = new Map<NodeJS.WritableStream, NodeJS.WritableStream['write']>();
  for (const stream of new Set([barStream, ...streams])) {
    originals.set(stream, stream.write);
  }
  const clearBar = originals.get(barStream) as NodeJS.WritableStream['write'];
  for (const [stream, write] of originals) {
    stream.write = function (this: NodeJS.WritableStream, ...args: unknown[]): boolean {
      if (!drawing && shown) {
        shown = false;
        // Back to the start of the bar's line, and clear it.
        clearBar.call(barStream, '\r\u001b[2K');
      }
      return (write as (...rest: unknown[]) => boolean).apply(this, args);
    } as NodeJS.WritableStream['write'];
  }
  return () => {
    bar.off('redraw-pre', onPre);
    bar.off('redraw-post', onPost);
    for (const [stream, write] of originals) {
      stream.write = write;
    }
  };
}
