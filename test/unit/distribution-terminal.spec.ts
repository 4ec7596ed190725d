import { ProgressReporter } from '../../lib/runner/progress-reporter';

/**
 * What a terminal `width` columns wide and `height` rows high shows (its scrollback included)
 * after `output`: the characters, carriage return and line feed (a tty's line feed also returns
 * the carriage), and the sequences the progress bar and Nest's logger write: line wrapping on
 * and off, the cursor to a column, clearing a line or its end, saving and restoring the cursor
 * (by its place on the screen, which scrolling does not move), colours. Rows keep their trailing
 * spaces, so that a wrapped line reads whole when its rows are joined.
 */
function render(output: string, width: number, height: number): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let top = 0;
  let wrap = true;
  let saved = { row: 0, col: 0 };
  const newline = (): void => {
    row += 1;
    col = 0;
    while (lines.length <= row) lines.push([]);
    top = Math.max(top, row - height + 1);
  };
  const escape = '\u001b';
  const tokens = new RegExp(`${escape}\\[\\?(\\d+)([hl])|${escape}\\[(\\d*)([GKm])|${escape}\\[[\\d;]*m|${escape}([78])|[\\s\\S]`, 'g');
  for (const [token, mode, modeSet, number, command, cursor] of output.matchAll(tokens)) {
    if (mode !== undefined) {
      if (mode === '7') wrap = modeSet === 'h';
    } else if (command === 'G') {
      col = Math.max(0, Number(number || 1) - 1);
    } else if (command === 'K') {
      lines[row] = number === '2' ? [] : lines[row].slice(0, col);
    } else if (command === 'm' || token.startsWith('\u001b[')) {
      // colours
    } else if (cursor === '7') {
      saved = { row: row - top, col };
    } else if (cursor === '8') {
      row = top + saved.row;
      col = saved.col;
    } else if (token === '\r') {
      col = 0;
    } else if (token === '\n') {
      newline();
    } else {
      if (col >= width) {
        if (wrap) newline();
        else col = width - 1;
      }
      while (lines[row].length < col) lines[row].push(' ');
      lines[row][col] = token;
      col += 1;
    }
  }
  return lines.map((line) => line.join(''));
}

describe('the deploy hook on a terminal', () => {
  it('renders the terminal model as a terminal does: wraps, cuts without wrapping, restores by screen row', () => {
    expect(render('abcdef\n', 4, 5)).toEqual(['abcd', 'ef', '']);
    expect(render('ab  cd\n', 4, 5)).toEqual(['ab  ', 'cd', '']);
    expect(render('\u001b[?7labcdef\u001b[?7h\n', 4, 5)).toEqual(['abcf', '']);
    expect(render('\u001b7a\nb\nc\n\u001b8x', 4, 2)).toEqual(['a', 'b', 'x', '']);
  });

  it('keeps every log line whole, the bar\'s last frame on its own line, and the lines after it below it', async () => {
    const width = 80;
    const terminal: string[] = [];
    const saved = { outWrite: process.stdout.write, errWrite: process.stderr.write, errTty: process.stderr.isTTY, outColumns: process.stdout.columns, errColumns: process.stderr.columns };
    process.stdout.write = ((chunk: string) => (terminal.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => (terminal.push(String(chunk)), true)) as typeof process.stderr.write;
    Object.assign(process.stderr, { isTTY: true, columns: width });
    Object.assign(process.stdout, { columns: width });
    try {
      const store = { updateRun: async () => undefined } as never;
      const events = { emit: async () => undefined } as never;
      const logger = { log: (line: string) => process.stdout.write(`${line}\n`), warn: () => undefined, error: () => undefined };
      process.stdout.write('Running 20260101000099 distributed-items\n');
      const reporter = new ProgressReporter({ version: '20260101000099', name: 'distributed-items', runId: 'r' } as never, store, events, logger, true);
      reporter.setTotal(1000);
      process.stdout.write(`Dispatched 200 batches of distributed-items to the queue after-party-distributed-items on Redis\n`);
      reporter.advance(400);
      process.stdout.write('12 batches of distributed-items left for workers of another build (code 0123456789ab): they wait for those\n');
      reporter.advance(600);
      reporter.setMessage('(batches 200/200)');
      await reporter.finish();
      process.stdout.write('Completed 20260101000099 distributed-items in 3 s\n');
    } finally {
      Object.assign(process.stdout, { write: saved.outWrite, columns: saved.outColumns });
      Object.assign(process.stderr, { write: saved.errWrite, isTTY: saved.errTty, columns: saved.errColumns });
    }
    // A short screen: the log lines scroll it while the bar is up.
    const screen = render(terminal.join(''), width, 4).filter((line) => line.trim() !== '');
    const joined = (from: string, rows: number) => {
      const at = screen.findIndex((line) => line.startsWith(from));
      return at < 0 ? '' : screen.slice(at, at + rows).join('').trimEnd();
    };
    expect(screen[0]).toBe('Running 20260101000099 distributed-items');
    expect(joined('Dispatched', 2)).toBe('Dispatched 200 batches of distributed-items to the queue after-party-distributed-items on Redis');
    expect(joined('12 batches', 2)).toBe('12 batches of distributed-items left for workers of another build (code 0123456789ab): they wait for those');
    expect(screen.filter((line) => line.startsWith('distributed-items [')).map((line) => line.trimEnd())).toEqual([expect.stringMatching(/^distributed-items \[=+\] 100% \| 1000\/1000 \| [\d.]+\/s \| \(batches 200\/200\)$/)]);
    expect(screen[screen.length - 2]).toMatch(/^distributed-items \[=+\] 100%/);
    expect(screen[screen.length - 1].trimEnd()).toBe('Completed 20260101000099 distributed-items in 3 s');
  });
});
