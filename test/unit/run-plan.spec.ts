import type { RegisteredTask } from '../../lib/discovery/registered-task.interface';
import { outOfOrderTasks, pendingTasks } from '../../lib/planning/run-plan';

const task = (version: string, everyDeploy = false): RegisteredTask => ({
  version,
  name: `t${version}`,
  description: '',
  className: `T${version}`,
  everyDeploy,
  transaction: false,
  timeout: null,
  environments: null,
  perTenant: false,
  kind: 'plain',
  batch: null,
  instance: { run: () => undefined },
});

const done = (version: string, completedInDeploy = false) => ({ version, completed: true, completedInDeploy, cutShort: false, cancelled: false });

const tasks = [task('20260101000001'), task('20260101000002'), task('20260101000003', true)];

describe('pendingTasks', () => {
  it('keeps tasks never completed, in order, plus every-deploy tasks when there is no deploy id', () => {
    const pending = pendingTasks(tasks, [done('20260101000001'), done('20260101000003')], null);
    expect(pending.map((t) => t.version)).toEqual(['20260101000002', '20260101000003']);
  });

  it('runs an every-deploy task once per deploy id', () => {
    expect(pendingTasks(tasks, [done('20260101000003', true)], 'r1').map((t) => t.version)).toEqual([
      '20260101000001',
      '20260101000002',
    ]);
    expect(pendingTasks(tasks, [done('20260101000003')], 'r2').map((t) => t.version)).toContain('20260101000003');
  });

  it('keeps a task whose runs all failed pending', () => {
    expect(pendingTasks([task('20260101000001')], [{ version: '20260101000001', completed: false, completedInDeploy: false, cutShort: true, cancelled: false }], null)).toHaveLength(1);
  });

  it('never treats a run-once task completed under another deploy id as pending', () => {
    expect(pendingTasks([task('20260101000001')], [done('20260101000001')], 'r9')).toEqual([]);
  });
});

describe('outOfOrderTasks', () => {
  it('finds pending run-once tasks older than the newest completed version', () => {
    const pending = [task('20260101000001'), task('20260101000003', true), task('20260101000009')];
    const late = outOfOrderTasks(pending, [done('20260101000005'), { ...done('20260101000009'), completed: false, cutShort: true }]);
    expect(late.map((t) => t.version)).toEqual(['20260101000001']);
  });
});
