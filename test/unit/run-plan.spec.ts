import type { RegisteredTask } from '../../lib/discovery/registered-task.interface';
import { outOfOrderTasks, pendingTasks } from '../../lib/runner/run-plan';

const task = (version: string, everyDeploy = false): RegisteredTask => ({
  version,
  name: `t${version}`,
  description: '',
  className: `T${version}`,
  everyDeploy,
  transaction: false,
  timeout: null,
  environments: null,
  instance: { run: () => undefined },
});

const tasks = [task('20260101000001'), task('20260101000002'), task('20260101000003', true)];

describe('pendingTasks', () => {
  it('keeps tasks never completed, in order, plus every-deploy tasks when there is no deploy id', () => {
    const pending = pendingTasks(tasks, [{ version: '20260101000001', completedInDeploy: false }, { version: '20260101000003', completedInDeploy: false }], null);
    expect(pending.map((t) => t.version)).toEqual(['20260101000002', '20260101000003']);
  });

  it('runs an every-deploy task once per deploy id', () => {
    expect(pendingTasks(tasks, [{ version: '20260101000003', completedInDeploy: true }], 'r1').map((t) => t.version)).toEqual([
      '20260101000001',
      '20260101000002',
    ]);
    expect(pendingTasks(tasks, [{ version: '20260101000003', completedInDeploy: false }], 'r2').map((t) => t.version)).toContain('20260101000003');
  });

  it('never treats a run-once task completed under another deploy id as pending', () => {
    expect(pendingTasks([task('20260101000001')], [{ version: '20260101000001', completedInDeploy: false }], 'r9')).toEqual([]);
  });
});

describe('outOfOrderTasks', () => {
  it('finds pending run-once tasks older than the newest completed version', () => {
    const pending = [task('20260101000001'), task('20260101000003', true), task('20260101000009')];
    const late = outOfOrderTasks(pending, [{ version: '20260101000005', completedInDeploy: false }]);
    expect(late.map((t) => t.version)).toEqual(['20260101000001']);
  });
});
