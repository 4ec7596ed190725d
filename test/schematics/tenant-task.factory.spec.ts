import { createAppTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { createRunner } from './helpers/runner';
import { typeErrors } from './helpers/type-check';

describe('tenant-task schematic', () => {
  const runner = createRunner();

  beforeEach(() => freezeClock('2026-11-26T09:45:12Z'));
  afterEach(() => jest.restoreAllMocks());

  it('creates a task with perTenant: true, registered like any task, whose spec runs it for a test tenant', async () => {
    const tree = await runner.runSchematic('tenant-task', { name: 'backfill-invoice-totals' }, createAppTree());

    const task = tree.readContent('src/deploy-tasks/20261126094512-backfill-invoice-totals.task.ts');
    expect(task).toContain(
      "@AfterPartyTask({\n  version: '20261126094512',\n  name: 'backfill-invoice-totals',\n  description: 'Backfill invoice totals',\n  perTenant: true,\n})",
    );
    expect(task).toContain('// Runs once per tenant, after the deploy');
    const spec = tree.readContent('src/deploy-tasks/20261126094512-backfill-invoice-totals.task.spec.ts');
    expect(spec).toContain("import {\n  AfterPartyTester,\n  AfterPartyTestingModule,\n  testTenants,\n} from 'after-party/testing';");
    expect(spec).toContain("AfterPartyTestingModule.forRoot({ tenants: testTenants(['acme']) }),");
    expect(spec).toContain("const record = await tester.runForTenant(BackfillInvoiceTotalsTask, 'acme');");
    expect(tree.readContent('src/deploy-tasks/deploy-tasks.module.ts')).toContain('providers: [BackfillInvoiceTotalsTask],');
    expect(typeErrors({ 'task.ts': task, 'task.spec.ts': spec.replace("from './20261126094512-backfill-invoice-totals.task'", "from './task'") })).toEqual({
      '*': [],
      'task.ts': [],
      'task.spec.ts': [],
    });
  });

  it('is reachable through its alias "tt" and leaves perTenant out of the other tasks', async () => {
    const tree = await runner.runSchematic('tt', { name: 'per-tenant' }, createAppTree());
    expect(tree.readContent('src/deploy-tasks/20261126094512-per-tenant.task.ts')).toContain('perTenant: true');
    const plain = await runner.runSchematic('task', { name: 'once' }, createAppTree());
    expect(plain.readContent('src/deploy-tasks/20261126094512-once.task.ts')).not.toContain('perTenant');
  });
});
