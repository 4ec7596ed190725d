import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import type { TaskState } from '../../lib/planning/task-state';
import type { StatusRow } from '../../lib/status/status-row.interface';
import { dashboardPath } from '../../lib/dashboard/dashboard-config';
import { actorOf, basePath } from '../../lib/dashboard/dashboard-request';
import { csrfRefusal } from '../../lib/dashboard/dashboard-security';
import { banners } from '../../lib/dashboard/render/banners';
import { escape } from '../../lib/dashboard/render/html';
import { allowedActions } from '../../lib/operator/task-actions';
import { batchesOf } from '../../lib/operator/task-detail';
import { MemoryBatchLedger } from '../../lib/stores/memory/memory.batch-ledger';
import { runRecord } from '../support/run-records';

const STATES: TaskState[] = ['pending', 'running', 'failed', 'interrupted', 'paused', 'cancelled', 'completed', 'marked', 'excluded', 'no-task'];

describe('the actions a state allows (what the dashboard offers)', () => {
  it('offers each action only where the operator core takes it', () => {
    const table = (kind: 'plain' | 'batched' | 'distributed') => Object.fromEntries(STATES.map((state) => [state, allowedActions({ kind }, state).join(' ')]));
    expect(table('plain')).toEqual({
      pending: 'run cancel mark-done',
      running: '',
      failed: 'run cancel reset mark-done',
      interrupted: 'run cancel reset mark-done',
      paused: 'cancel reset',
      cancelled: 'run reset mark-done',
      completed: 'reset',
      marked: 'reset',
      excluded: '',
      'no-task': '',
    });
    expect(table('batched')).toEqual({
      pending: 'run cancel mark-done',
      running: 'pause cancel',
      failed: 'run cancel reset mark-done',
      interrupted: 'resume cancel reset mark-done',
      paused: 'resume cancel reset',
      cancelled: 'run reset mark-done',
      completed: 'reset',
      marked: 'reset',
      excluded: '',
      'no-task': '',
    });
    expect(table('distributed')).toEqual(table('batched'));
  });
});

function row(state: TaskState, extra: Partial<StatusRow> = {}): StatusRow {
  return { state, version: '20260101000001', name: 'backfill', description: '', everyDeploy: false, lastRunAt: null, lastRunStatus: null, durationMs: null, error: null, progress: null, ...extra };
}

describe('the overview banners', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const quiet = { pendingMigrations: [], lockFree: false, stuckAfterMs: 300_000, now };

  it('says nothing when nothing needs a look', () => {
    expect(banners({ ...quiet, rows: [row('completed'), row('running', { lastRunAt: '2026-06-01T11:59:00Z' })] })).toEqual([]);
  });

  it('names a run recorded running while no runner holds the lock, a stuck run, and pending schema migrations', () => {
    const stuck = row('running', { lastRunAt: '2026-06-01T11:00:00Z', progress: { done: 5, total: 10, message: null, updatedAt: '2026-06-01T11:50:00Z' } });
    expect(banners({ ...quiet, rows: [stuck], lockFree: true, pendingMigrations: ['AddSlugs1764000000000'] })).toEqual([
      { level: 'error', text: expect.stringMatching(/^No runner holds the run lock, yet 20260101000001 backfill is recorded running/) },
      { level: 'warning', text: '20260101000001 backfill has been running with no progress for 10 min 00 s: it may be stuck.' },
      { level: 'warning', text: '1 schema migration pending (AddSlugs1764000000000): after-party:run refuses until they are applied.' },
    ]);
    expect(banners({ ...quiet, rows: [row('failed')], lockFree: true })).toEqual([]);
  });
});

describe('the request parts', () => {
  it('reads who acts from a property path or a function of the request', () => {
    const request = { user: { id: 7, email: 'ops@example.com' }, session: { login: 'ada' } };
    expect(actorOf(request, 'user')).toBe('ops@example.com');
    expect(actorOf(request, 'user.id')).toBe('7');
    expect(actorOf(request, 'session.login')).toBe('ada');
    expect(actorOf(request, (req: typeof request) => `${req.session.login}@sso`)).toBe('ada@sso');
    expect(actorOf({}, 'user')).toBeNull();
    expect(actorOf({ user: { roles: [] } }, 'user')).toBeNull();
    expect(actorOf({ user: 'x'.repeat(500) }, 'user')).toHaveLength(200);
  });

  it('finds the path the dashboard is served at behind a global prefix', () => {
    expect(basePath({ url: '/api/ops/after-party/tasks/x?offset=2', headers: {} }, 'ops/after-party')).toBe('/api/ops/after-party');
    expect(basePath({ url: '/ops/after-party', originalUrl: '/ops/after-party', headers: {} }, 'ops/after-party')).toBe('/ops/after-party');
  });

  it('takes a plain path only', () => {
    expect(dashboardPath('/admin/after-party/')).toBe('admin/after-party');
    expect(dashboardPath(undefined)).toBe('after-party');
    for (const bad of ['', '/', 'a b', '../x', 'x?y', 5]) {
      expect(() => dashboardPath(bad)).toThrow(/path must be a plain URL path/);
    }
  });

  it('lets an action through only with the cookie token in its header, from its own origin', () => {
    const token = 'a'.repeat(32);
    const headers = { host: 'app.example', cookie: `other=1; after-party-csrf=${token}`, 'x-after-party-csrf': token };
    expect(csrfRefusal({ headers })).toBeNull();
    expect(csrfRefusal({ headers: { ...headers, origin: 'https://app.example', 'sec-fetch-site': 'same-origin' } })).toBeNull();
    expect(csrfRefusal({ headers: { ...headers, origin: 'https://proxy.example', 'x-forwarded-host': 'proxy.example' } })).toBeNull();
    expect(csrfRefusal({ headers: { ...headers, origin: 'https://evil.example' } })).toMatch(/Origin differs/);
    expect(csrfRefusal({ headers: { ...headers, 'sec-fetch-site': 'cross-site' } })).toMatch(/Origin differs/);
    expect(csrfRefusal({ headers: { ...headers, 'x-after-party-csrf': 'b'.repeat(32) } })).toMatch(/CSRF token/);
    expect(csrfRefusal({ headers: { host: 'app.example', 'x-after-party-csrf': token } })).toMatch(/CSRF token/);
  });

  it('escapes text for HTML', () => {
    expect(escape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe("a distributed task's batches", () => {
  it('counts the latest distribution by state, names the workers that completed batches and lists the failed ones', async () => {
    const ledger = new MemoryBatchLedger();
    const batch = (batchNo: number) => ({ version: 'v', distributionId: 'd2', batchNo, status: 'queued' as const, after: null, last: batchNo, items: 10, attempts: 0, error: null, worker: null, updatedAt: '' });
    for (const n of [1, 2, 3, 4]) {
      await ledger.add(batch(n));
    }
    await ledger.add({ ...batch(9), distributionId: 'd1' });
    await ledger.complete('v', 'd2', 1, 'web-1 41');
    await ledger.complete('v', 'd2', 2, 'web-2 7');
    await ledger.fail('v', 'd2', 3, 'deadlock detected', 3);
    const store = { capabilities: { batchLedger: ledger }, lastRun: async () => runRecord('v', { checkpoint: { distribution: { id: 'd2' } } }) } as unknown as AfterPartyStore;
    const task = { kind: 'distributed', version: 'v' } as Parameters<typeof batchesOf>[1];
    expect(await batchesOf(store, task)).toEqual({
      distributionId: 'd2',
      total: 4,
      completed: 2,
      queued: 1,
      failed: 1,
      itemsDone: 20,
      workers: ['web-1 41', 'web-2 7'],
      failedBatches: [{ batchNo: 3, error: 'deadlock detected', attempts: 3 }],
    });
    expect(await batchesOf(store, { ...task, kind: 'batched' } as typeof task)).toBeNull();
  });
});
