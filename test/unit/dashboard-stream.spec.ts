import { Subject, type Subscription } from 'rxjs';
import type { ResolvedDashboardOptions } from '../../lib/dashboard/dashboard-config';
import { DashboardController } from '../../lib/dashboard/dashboard.controller';
import type { DashboardActions } from '../../lib/dashboard/dashboard.actions';
import type { DashboardViews } from '../../lib/dashboard/dashboard.views';
import type { DashboardRequest } from '../../lib/dashboard/dashboard-request';

const OPTIONS: ResolvedDashboardOptions = { path: 'ops', readOnly: false, actor: 'user', stuckAfterMs: 300_000, refreshMs: 1000, pageSize: 20 };

/** A controller whose views are read from `reads`, counting each read of the records. */
function controller(): { controller: DashboardController; reads: () => number; closing: Subject<void> } {
  let reads = 0;
  const closing = new Subject<void>();
  const views = { closing } as unknown as DashboardViews;
  const created = new DashboardController(views, {} as DashboardActions, OPTIONS);
  // What a read renders does not matter here, only how often the records are read.
  jest.spyOn(created as unknown as { render(): Promise<unknown> }, 'render').mockImplementation(async () => ({ title: 't', where: 'w', body: `read ${++reads}` }));
  return { controller: created, reads: () => reads, closing };
}

const request = (url: string): DashboardRequest => ({ url, headers: {} }) as unknown as DashboardRequest;

async function tick(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('the dashboard live stream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads the records once per interval for all the open streams of one view, and stops reading when the last one closes', async () => {
    const { controller: dashboard, reads } = controller();
    const open = async (url: string, query: { view?: string; task?: string }): Promise<{ received: string[]; subscription: Subscription }> => {
      const received: string[] = [];
      const subscription = (await dashboard.events(request(url), query)).subscribe((event) => received.push((event.data as { html: string }).html));
      return { received, subscription };
    };
    const streams = [await open('/ops/events', { view: 'overview' }), await open('/ops/events', { view: 'overview' }), await open('/ops/events', { view: 'overview' })];
    // Each stream's first view is its own read; from then on the three share one read a second.
    expect(reads()).toBe(3);
    await tick(3000);
    expect(reads()).toBe(6);
    expect(streams.map((stream) => stream.received.at(-1))).toEqual(['read 6', 'read 6', 'read 6']);

    // Another view is read on its own.
    const task = await open('/ops/events', { view: 'task', task: 'items' });
    await tick(1000);
    expect(reads()).toBe(9);
    task.subscription.unsubscribe();

    for (const stream of streams) {
      stream.subscription.unsubscribe();
    }
    await tick(5000);
    expect(reads()).toBe(9);

    // Opened again, the view is read again.
    const again = await open('/ops/events', { view: 'overview' });
    await tick(1000);
    expect(reads()).toBe(11);
    again.subscription.unsubscribe();
  });
});
