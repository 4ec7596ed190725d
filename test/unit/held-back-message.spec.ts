import { heldBackMessage } from '../../lib/quiet/held-back.messages';

describe('heldBackMessage', () => {
  it('lists scheduled jobs by kind, then queue workers, and names the opt-out', () => {
    expect(
      heldBackMessage('after-party:run', [
        { kind: 'timeout', name: 'warmup' },
        { kind: 'worker', name: 'emails' },
        { kind: 'interval', name: 'heartbeat' },
        { kind: 'cron', name: 'nightly-report' },
        { kind: 'worker', name: 'exports' },
      ]),
    ).toBe(
      'Held back during after-party:run: 3 scheduled jobs (cron nightly-report, interval heartbeat, timeout warmup), ' +
        '2 queue workers (emails, exports). Set holdBackAppJobs: false to keep them running.',
    );
  });

  it('says "unnamed" for the random names @nestjs/schedule gives jobs declared without one', () => {
    expect(
      heldBackMessage('after-party:status', [{ kind: 'interval', name: '0b6f3c52-8a1d-4e0f-9a57-3f1c2d4e5b6a' }]),
    ).toBe(
      'Held back during after-party:status: 1 scheduled job (interval (unnamed)). Set holdBackAppJobs: false to keep them running.',
    );
  });

  it('leaves out a kind with nothing held back', () => {
    expect(heldBackMessage('after-party:run', [{ kind: 'worker', name: 'emails' }])).toBe(
      'Held back during after-party:run: 1 queue worker (emails). Set holdBackAppJobs: false to keep them running.',
    );
  });
});
