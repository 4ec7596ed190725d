import { createAppTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { createRunner } from './helpers/runner';

describe('every-deploy-task schematic', () => {
  const runner = createRunner();

  beforeEach(() => freezeClock('2026-11-26T09:45:12Z'));
  afterEach(() => jest.restoreAllMocks());

  it('creates a task with everyDeploy: true, registered like any task', async () => {
    const tree = await runner.runSchematic('every-deploy-task', { name: 'warm-cache' }, createAppTree());

    const task = tree.readContent('src/deploy-tasks/20261126094512-warm-cache.task.ts');
    expect(task).toContain(
      "@AfterPartyTask({\n  version: '20261126094512',\n  name: 'warm-cache',\n  description: 'Warm cache',\n  everyDeploy: true,\n})",
    );
    expect(task).toContain('export class WarmCacheTask implements DeployTask');
    expect(task).toContain('// Runs after every deploy: keep it fast and safe to repeat.');
    expect(tree.readContent('src/deploy-tasks/20261126094512-warm-cache.task.spec.ts')).toContain(
      "import { AfterPartyTester, AfterPartyTestingModule } from 'after-party/testing';",
    );
    expect(tree.readContent('src/deploy-tasks/deploy-tasks.module.ts')).toContain('providers: [WarmCacheTask],');
  });

  it('is reachable through its alias "et" and shares the name checks of task', async () => {
    const first = await runner.runSchematic('task', { name: 'warm-cache' }, createAppTree());

    await expect(runner.runSchematic('et', { name: 'warm-cache' }, first)).rejects.toThrow(/already exists/);
  });

  it('leaves everyDeploy out of tasks made by the task schematic', async () => {
    const tree = await runner.runSchematic('task', { name: 'once' }, createAppTree());

    expect(tree.readContent('src/deploy-tasks/20261126094512-once.task.ts')).not.toContain('everyDeploy');
  });
});
