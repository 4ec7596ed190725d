import { Logger } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { HeldBackLog } from '../../lib/quiet/held-back.log';

describe('HeldBackLog', () => {
  let lines: unknown[];
  beforeEach(() => {
    lines = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(message));
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs what bootstrap held back in one line, and what comes later in a line of its own', async () => {
    const log = new HeldBackLog('after-party:run');
    log.add({ kind: 'interval', name: 'heartbeat' });
    log.add({ kind: 'worker', name: 'emails' });
    expect(lines).toEqual([]);

    log.bootstrapped();
    log.add({ kind: 'timeout', name: 'retry' });
    log.add({ kind: 'timeout', name: 'flush' });
    await nextTurn();

    expect(lines).toEqual([
      expect.stringContaining(
        'Held back during after-party:run: 1 scheduled job (interval heartbeat), 1 queue worker (emails).',
      ),
      expect.stringContaining('Held back during after-party:run: 2 scheduled jobs (timeout retry, timeout flush).'),
    ]);
  });

  it('says nothing when nothing was held back', () => {
    new HeldBackLog('after-party:run').bootstrapped();
    expect(lines).toEqual([]);
  });
});
