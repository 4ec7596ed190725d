import { formatStatus, humanDuration } from '../../lib/status/format-status';
import { describeProgress } from '../../lib/format/progress.format';
import type { StatusRow } from '../../lib/status/status-row.interface';

const row = (overrides: Partial<StatusRow>): StatusRow => ({
  state: 'pending',
  version: '20260101000001',
  name: 'seed',
  description: 'Seed users',
  everyDeploy: false,
  lastRunAt: null,
  lastRunStatus: null,
  durationMs: null,
  error: null,
  progress: null,
  ...overrides,
});

describe('formatStatus', () => {
  it('aligns columns, lists errors under the table and summarises', () => {
    const text = formatStatus(
      [
        row({ state: 'completed', lastRunAt: '2026-01-01T10:00:00.000Z', durationMs: 1500 }),
        row({ state: 'failed', lastRunStatus: 'failed', version: '20260101000002', name: 'backfill', error: 'boom\nstack', lastRunAt: '2026-01-01T10:00:01.000Z', durationMs: 3 }),
        row({ version: '20260101000003', name: 'warm', everyDeploy: true }),
        row({ state: 'no-task', version: '20250101000000', name: 'gone', description: '' }),
      ],
      'header',
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('header');
    expect(lines[2]).toMatch(/^Status\s+Version\s+Name\s+Description\s+Last run\s+Duration$/);
    expect(lines[3]).toBe('completed  20260101000001  seed                 Seed users   2026-01-01 10:00:00  1.5 s');
    expect(lines[5]).toMatch(/^pending\s+20260101000003\s+warm \(every deploy\)\s+Seed users\s+-\s+-$/);
    expect(text).toContain('  20260101000002 failed: boom\n');
    expect(text.trimEnd().split('\n').pop()).toBe('3 tasks: 1 completed, 1 pending, 1 failed, 0 running; 1 recorded without a task class');
  });

  it('shows the error of a failed manual re-run under a task that stays completed', () => {
    const text = formatStatus([row({ state: 'completed', lastRunStatus: 'failed', error: 'manual re-run broke' })], 'header');
    expect(text).toContain('  20260101000001 last run failed: manual re-run broke\n');
    expect(text).toContain('1 task: 1 completed, 0 pending, 0 failed, 0 running');
  });
});

describe('formatStatus: progress lines', () => {
  const progress = {
    done: 412000,
    total: 1000000,
    message: 'Importing Users',
    rate: 5120.4,
    etaMs: 115_000,
    cursor: 'AbC-412000',
    state: 'throttled' as const,
    throttledBecause: 'Replica lag 12 s',
    updatedAt: '2026-11-26T12:04:31.120Z',
  };

  const savedAt = Date.parse(progress.updatedAt);

  it('shows a running task live, with rate, ETA and throttling, its cursor and message as written', () => {
    const text = formatStatus([row({ state: 'running', progress })], 'header', false, savedAt + 59_000);
    expect(text).toContain(
      '  20260101000001 progress 412000/1000000 (41%), 5120.4/s, ETA 1 min 55 s, throttled: Replica lag 12 s, cursor "AbC-412000" Importing Users (at 2026-11-26T12:04:31.120Z)\n',
    );
  });

  it('shows where a stopped task got to, without the rate, ETA or throttling of its last run', () => {
    const text = formatStatus([row({ state: 'paused', lastRunStatus: 'paused', progress })], 'header', false, savedAt + 3_600_000);
    expect(text).toContain('  20260101000001 progress 412000/1000000 (41%), cursor "AbC-412000" Importing Users (at 2026-11-26T12:04:31.120Z)\n');
  });

  it('says when a running batched task has saved nothing for a minute, without the rate and ETA of a runner that may be gone', () => {
    const text = formatStatus([row({ state: 'running', progress })], 'header', false, savedAt + 180_000);
    expect(text).toContain(
      '  20260101000001 progress 412000/1000000 (41%), cursor "AbC-412000" Importing Users (at 2026-11-26T12:04:31.120Z; nothing saved for 3 min 00 s: a batch that slow, or a runner gone, which the next after-party:run records interrupted)\n',
    );
  });

  it("keeps a plain task's progress live however old: it is saved only when it changes", () => {
    const { state: _state, throttledBecause: _because, ...plain } = progress;
    const text = formatStatus([row({ state: 'running', progress: { ...plain, rate: 12.5, etaMs: 60_000 } })], 'header', false, savedAt + 3_600_000);
    expect(text).toContain('progress 412000/1000000 (41%), 12.5/s, ETA 1 min 00 s, cursor');
    expect(text).not.toContain('nothing saved');
  });
});

describe('describeProgress', () => {
  it.each([
    [29_000, 100_000, '29%'],
    [57, 100, '57%'],
    [999_999, 1_000_000, '99%'],
    [1, 3, '33%'],
  ])('%i of %i reads %s (no floating-point error rounds it down)', (done, total, share) => {
    expect(describeProgress({ done, total, message: null, updatedAt: '2026-11-26T12:04:31.120Z' }, { live: false })).toBe(`Progress ${done}/${total} (${share})`);
  });
});

describe('humanDuration', () => {
  it.each([
    [0, '0 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [59_949, '59.9 s'],
    [61_000, '1 min 01 s'],
    [3_723_000, '1 h 02 min'],
  ])('%p ms reads %p', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
