import { buildStressApp, formatRound, judgeRound, runStore, summarize, type RunnerOutcome, type StressOptions } from '../../stress/src/stress';
import { describeEachStore } from '../support/stores';

/** The stress script (stress/src/stress.ts) with small numbers: 4 runners × 10 tasks × 2 rounds per store. */
// Tasks of 100 ms: the first runner holds the lock for a second, long enough for the others to
// boot and find it held even on a slow, busy machine.
const OPTIONS: StressOptions = { runners: 4, tasks: 10, rounds: 2, taskDelayMs: 100, roundTimeoutMs: 50_000 };

beforeAll(() => {
  // Global setup built dist/; the stress app imports it as `after-party`.
  buildStressApp();
}, 60_000);

describeEachStore('stress: concurrent runners', (target) => {
  it(`runs each of ${OPTIONS.tasks} tasks exactly once with ${OPTIONS.runners} runners at once, ${OPTIONS.rounds} rounds`, async () => {
    const summary = await runStore({ name: target.name, db: target.db, url: target.url }, OPTIONS);
    const report = summary.rounds.map((round) => formatRound(summary.target, round)).join('\n');
    expect({ report, problems: summary.rounds.flatMap((round) => round.problems) }).toEqual({ report, problems: [] });
    expect(summary.duplicates).toBe(0);
    expect(summary.missing).toBe(0);
    expect(summary.taskRuns).toBe(OPTIONS.tasks * OPTIONS.rounds);
    expect(summary.completedRecords).toBe(OPTIONS.tasks * OPTIONS.rounds);
    expect(summary.badExits).toBe(0);
    expect(summary.overlaps).toBe(0);
    // Runners that never found the lock held ran one after the other and proved nothing about it.
    expect(summary.lockWaits).toBeGreaterThan(0);
    expect(summary.problems).toEqual([]);
  }, 60_000);
});

describe('stress: the round judge', () => {
  const runner = (pid: number, times: [number, number, number], ran: string[]): RunnerOutcome => ({
    pid,
    code: 0,
    signal: null,
    hung: false,
    stdout: '',
    stderr: '',
    readyAt: times[0],
    acquiredAt: times[1],
    releasedAt: times[2],
    ran,
    waited: false,
  });

  it('flags duplicate and missing effects, and a runner that took the lock while another held it', () => {
    const versions = ['20260101000001', '20260101000002'];
    const runners = [runner(1, [0, 10, 100], ['20260101000001']), runner(2, [5, 50, 60], ['20260101000001'])];
    const contents = { effects: new Map([['20260101000001', 2]]), completed: new Map([['20260101000001', 2]]), notCompleted: 0 };
    const result = judgeRound(1, 100, runners, contents, versions);
    expect(result).toMatchObject({ duplicates: 1, missing: 1, taskRuns: 2, overlaps: 1, lockWaits: 1 });
    expect(result.problems.join('\n')).toMatch(/1 duplicate effect.*20260101000001×2[\s\S]*1 missing effect.*20260101000002/);
  });

  it('passes a clean round: one runner ran everything, the others waited for the lock', () => {
    const versions = ['20260101000001'];
    const runners = [runner(1, [0, 10, 100], versions), runner(2, [5, 101, 101], []), runner(3, [200, 201, 201], [])];
    const contents = { effects: new Map([['20260101000001', 1]]), completed: new Map([['20260101000001', 1]]), notCompleted: 0 };
    const result = judgeRound(1, 250, runners, contents, versions);
    expect(result.problems).toEqual([]);
    expect(result.lockWaits).toBe(1);
    expect(runners.map((r) => r.waited)).toEqual([false, true, false]);
  });

  it('fails a store on which no runner ever waited for the lock', () => {
    const versions = ['20260101000001'];
    const runners = [runner(1, [0, 10, 100], versions), runner(2, [200, 201, 201], [])];
    const contents = { effects: new Map([['20260101000001', 1]]), completed: new Map([['20260101000001', 1]]), notCompleted: 0 };
    const round = judgeRound(1, 250, runners, contents, versions);
    expect(round.problems).toEqual([]);
    const summary = summarize({ name: 'sqlite', db: 'sqlite' }, { ...OPTIONS, rounds: 1 }, [round]);
    expect(summary).toMatchObject({ lockWaits: 0, ok: false, problems: [expect.stringContaining('no runner waited for the lock')] });
  });
});
