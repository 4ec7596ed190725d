import { TaskRegistry } from '../../lib/discovery/task.registry';
import { validateTasks } from '../../lib/discovery/validate-tasks';
import { createAppTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { loadGeneratedTask } from './helpers/load-generated-task';
import { createRunner } from './helpers/runner';

const TASK_FILE = /^\/src\/deploy-tasks\/20261126094512-(.+)\.task\.ts$/;

/**
 * Generator and runtime must agree on a task's name: whatever the user types to
 * `nest g task`, `after-party:run <file slug>` finds the task it made.
 */
describe('task names round-trip from the generator to after-party:run', () => {
  const runner = createRunner();

  beforeEach(() => freezeClock('2026-11-26T09:45:12Z'));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    // typed name              file slug
    ['sync-3d-models', 'sync-3d-models'],
    ['sync 3d models', 'sync-3d-models'],
    ['sync-3d-models-task', 'sync-3d-models'],
    ['sync3dModels', 'sync3d-models'],
    ['v2-backfill', 'v2-backfill'],
    ['backfill-v2', 'backfill-v2'],
    ['v-2', 'v-2'],
    ['fix-2fa', 'fix-2fa'],
    ['fix2fa', 'fix2fa'],
    ['release-2024-cleanup', 'release-2024-cleanup'],
    ['top-10-users-task', 'top-10-users'],
    ['import_s3_files', 'import-s3-files'],
    ['snake_case_v2_task', 'snake-case-v2'],
    ['HTTPSRedirects', 'httpsredirects'],
    ['OAuth2Tokens', 'oauth2-tokens'],
    ['syncS3Files', 'sync-s3-files'],
    ['warmCacheTask', 'warm-cache'],
    ['  Backfill User Slugs  ', 'backfill-user-slugs'],
    ['a', 'a'],
  ])('%p makes a task that after-party:run %p selects', async (typed, slug) => {
    for (const schematic of ['task', 'every-deploy-task']) {
      const tree = await runner.runSchematic(schematic, { name: typed }, createAppTree());
      const taskPath = tree.files.find((path) => TASK_FILE.test(path));
      expect(taskPath).toBeDefined();
      const fileSlug = TASK_FILE.exec(taskPath!)![1];
      expect(fileSlug).toBe(slug);

      const registry = new TaskRegistry();
      registry.load(validateTasks([loadGeneratedTask(taskPath!, tree.readContent(taskPath!))]));

      expect(registry.select([fileSlug]).map((task) => task.name)).toEqual([fileSlug]);
    }
  });

  it('refuses a name starting with a digit, which cannot become a class name', async () => {
    await expect(runner.runSchematic('task', { name: '3d-import' }, createAppTree())).rejects.toThrow(
      /cannot become a class name/,
    );
  });
});
