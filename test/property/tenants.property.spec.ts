import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { AfterPartyService, AfterPartyTask, type DeployTask, type TaskContext } from '../../lib';
import { AfterPartyTestingModule, testTenants } from '../../lib/testing';
import { propertyParameters, recordCounterexample } from './settings';

/**
 * Tenant fan-out over tenants and failures it did not choose: generated tenant ids (edge shapes
 * of the id rules: 49 characters, digits only, dots, ids that differ only by case), which
 * (task, tenant) pairs fail on the first run, `--concurrency`, `--limit` and `--tenants`. The
 * property: the first run runs exactly the pairs it should (each tenant's tasks in version order,
 * up to its first failure, only for the tenants it took) and its summary says so; a second run
 * with nothing failing runs exactly what the first left, after which every pair has completed
 * once, and status says every tenant is completed.
 */
interface World {
  tenants: string[];
  /** `<task index>@<tenant>` pairs that throw on the first run. */
  failing: string[];
  concurrency: number;
  limit: number | null;
  /** Indexes into `tenants`: the `--tenants` canary, or null for all. */
  only: number[] | null;
}

/** What the tasks did: `<task index>@<tenant> ok|failed`, in order. */
let effects: string[] = [];
let failing = new Set<string>();

async function effect(index: number, ctx: TaskContext): Promise<void> {
  // Let the other tenants' tasks interleave.
  await new Promise((resolve) => setImmediate(resolve));
  const pair = `${index}@${ctx.tenant?.id}`;
  if (failing.has(pair)) {
    effects.push(`${pair} failed`);
    throw new Error(`${pair} fails`);
  }
  effects.push(`${pair} ok`);
}

@AfterPartyTask({ version: '20261201000001', name: 'first', perTenant: true })
class FirstTask implements DeployTask {
  run(ctx: TaskContext): Promise<void> {
    return effect(0, ctx);
  }
}

@AfterPartyTask({ version: '20261201000002', name: 'second', perTenant: true })
class SecondTask implements DeployTask {
  run(ctx: TaskContext): Promise<void> {
    return effect(1, ctx);
  }
}

@AfterPartyTask({ version: '20261201000003', name: 'third', perTenant: true })
class ThirdTask implements DeployTask {
  run(ctx: TaskContext): Promise<void> {
    return effect(2, ctx);
  }
}

const TASKS = 3;
const ID_CHAR = fc.constantFrom(...'abcXYZ019_.-'.split(''));
const tenantId = fc.oneof(
  fc.tuple(fc.constantFrom('a', 'Z', '0', '_'), fc.array(ID_CHAR, { maxLength: 6 })).map(([first, rest]) => first + rest.join('')),
  fc.constant(`t${'x'.repeat(48)}`),
  fc.constantFrom('acme', 'Acme', '42', 'a.b', 'a-b'),
);

const world: fc.Arbitrary<World> = fc
  .uniqueArray(tenantId, { minLength: 1, maxLength: 8 })
  .chain((tenants) =>
    fc.record({
      tenants: fc.constant(tenants),
      failing: fc.subarray(tenants.flatMap((tenant) => Array.from({ length: TASKS }, (_, index) => `${index}@${tenant}`))),
      concurrency: fc.integer({ min: 1, max: 4 }),
      limit: fc.option(fc.integer({ min: 1, max: tenants.length + 1 }), { nil: null }),
      only: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: tenants.length - 1 }), { minLength: 1 }), { nil: null }),
    }),
  );

/** Cases the property found, kept: each runs every time. */
const COUNTEREXAMPLES: Array<{ found: string; world: World }> = [];

/** What the first run must run: for the tenants it takes, each task in order up to and including the first that fails. */
function expectedFirstRun({ tenants, failing: failed, limit, only }: World): { taken: string[]; pairs: string[] } {
  const chosen = only === null ? tenants : tenants.filter((_, index) => only.includes(index));
  const taken = limit === null ? chosen : chosen.slice(0, limit);
  const pairs: string[] = [];
  for (const tenant of taken) {
    for (let index = 0; index < TASKS; index += 1) {
      const pair = `${index}@${tenant}`;
      const fails = failed.includes(pair);
      pairs.push(`${pair} ${fails ? 'failed' : 'ok'}`);
      if (fails) {
        break;
      }
    }
  }
  return { taken, pairs };
}

/** The first difference between what happened and what should have, or null. */
async function failureOf(value: World): Promise<string | null> {
  effects = [];
  failing = new Set(value.failing);
  const moduleRef = await Test.createTestingModule({
    imports: [AfterPartyTestingModule.forRoot({ tenants: testTenants(value.tenants) })],
    providers: [FirstTask, SecondTask, ThirdTask],
  }).compile();
  await moduleRef.init();
  try {
    const service = moduleRef.get(AfterPartyService);
    const only = value.only === null ? undefined : value.tenants.filter((_, index) => value.only?.includes(index));
    const first = await service.run({ concurrency: value.concurrency, limit: value.limit ?? undefined, tenants: only });
    const expected = expectedFirstRun(value);
    const sorted = (list: string[]) => [...list].sort();
    if (JSON.stringify(sorted(effects)) !== JSON.stringify(sorted(expected.pairs))) {
      return `first run ran ${JSON.stringify(sorted(effects))}, expected ${JSON.stringify(sorted(expected.pairs))}`;
    }
    const failedTenants = expected.taken.filter((tenant) => expected.pairs.some((pair) => pair.endsWith(`@${tenant} failed`)));
    const summary = first.tenants;
    if (
      !summary ||
      summary.taken !== expected.taken.length ||
      JSON.stringify(sorted(summary.failed.map((failure) => failure.tenant))) !== JSON.stringify(sorted(failedTenants)) ||
      summary.completed !== expected.taken.length - failedTenants.length ||
      first.ok !== (failedTenants.length === 0)
    ) {
      return `first run's summary ${JSON.stringify({ ok: first.ok, ...summary })} does not match ${failedTenants.length} failed of ${expected.taken.length} taken`;
    }
    const okBefore = effects.filter((entry) => entry.endsWith(' ok'));
    effects = [];
    failing = new Set();
    const second = await service.run();
    const okPairs = [...okBefore, ...effects].filter((entry) => entry.endsWith(' ok')).map((entry) => entry.slice(0, -3));
    const everyPair = value.tenants.flatMap((tenant) => Array.from({ length: TASKS }, (_, index) => `${index}@${tenant}`));
    if (!second.ok || JSON.stringify(sorted(okPairs)) !== JSON.stringify(sorted(everyPair))) {
      return `after the second run (ok ${second.ok}), the pairs that completed were ${JSON.stringify(sorted(okPairs))}, not each pair once`;
    }
    const status = await service.status();
    const states = status.tenants?.map((pair) => pair.state) ?? [];
    if (states.length !== everyPair.length || states.some((state) => state !== 'completed')) {
      return `status after both runs: ${JSON.stringify(status.tenants?.map((pair) => `${pair.version}@${pair.tenant} ${pair.state}`))}`;
    }
    return null;
  } finally {
    await moduleRef.close();
  }
}

describe('tenant fan-out over generated tenants, failures, limits and canaries (memory store)', () => {
  it('runs each (task, tenant) pair as planned, and every pair once over a failing run and the next', async () => {
    const details = await fc.check(
      fc.asyncProperty(world, async (value) => {
        const failure = await failureOf(value);
        if (failure !== null) {
          throw new Error(failure);
        }
      }),
      propertyParameters(100),
    );
    if (details.failed) {
      const [example] = details.counterexample ?? [undefined];
      const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      recordCounterexample('tenant fan-out', example, message);
      throw new Error(`tenant fan-out: ${message}\n${fc.defaultReportMessage(details)}`);
    }
  }, 120_000);

  for (const [index, kept] of COUNTEREXAMPLES.entries()) {
    it(`#${index}: ${kept.found}`, async () => {
      expect(await failureOf(kept.world)).toBeNull();
    });
  }
});
