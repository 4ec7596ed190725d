import { AfterPartyCliLogger } from '../../lib/cli/after-party-cli.logger';

/** What one log line of the CLI logger writes to stdout, with stdout a terminal or not. */
function logLine(terminal: boolean, noColor: string | undefined): string {
  const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  const before = process.env.NO_COLOR;
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    Object.defineProperty(process.stdout, 'isTTY', { value: terminal, configurable: true });
    if (noColor === undefined) {
      delete process.env.NO_COLOR;
    } else {
      process.env.NO_COLOR = noColor;
    }
    new AfterPartyCliLogger(false).log('Running 20261126094512 backfill', 'AfterParty');
  } finally {
    write.mockRestore();
    if (tty) {
      Object.defineProperty(process.stdout, 'isTTY', tty);
    } else {
      delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
    if (before === undefined) {
      delete process.env.NO_COLOR;
    } else {
      process.env.NO_COLOR = before;
    }
  }
  return written.join('');
}

const ESCAPE = '\u001b[';

describe('AfterPartyCliLogger colours', () => {
  it('writes no escape codes when stdout is not a terminal (a deploy hook redirected to a file)', () => {
    const line = logLine(false, undefined);
    expect(line).toContain('Running 20261126094512 backfill');
    expect(line).not.toContain(ESCAPE);
  });

  it('colours on a terminal', () => {
    expect(logLine(true, undefined)).toContain(ESCAPE);
  });

  it('honours NO_COLOR on a terminal too', () => {
    const line = logLine(true, '1');
    expect(line).toContain('Running 20261126094512 backfill');
    expect(line).not.toContain(ESCAPE);
  });
});
