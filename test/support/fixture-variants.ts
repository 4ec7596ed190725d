import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_TARGETS, type StoreTarget } from './stores';
const { variantLabel, variantMain } = require('./variants') as {
  variantLabel(name: VariantName): string;
  variantMain(name: VariantName): string;
};

/** nest11: this repository's node_modules; nest12: Nest 12 (ESM-only); floors: the lowest versions the peer ranges accept. */
export type VariantName = 'nest11' | 'nest12' | 'floors';

/** A dependency set the built fixture app runs against (see test/support/variants.js). */
export interface FixtureVariant {
  name: VariantName;
  /** For test titles: the set and the versions its lockfile pins. */
  label: string;
  /** The fixture app's entry point, from where Node resolves the set's packages. */
  main: string;
  /** Whether the test setup installed the set for this run. */
  available: boolean;
  /** Why the set is not available. */
  reason?: string;
}

const installed: Partial<Record<VariantName, { available: boolean; reason?: string }>> = existsSync(join(__dirname, '..', '..', '.tmp', 'variants.json'))
  ? JSON.parse(readFileSync(join(__dirname, '..', '..', '.tmp', 'variants.json'), 'utf8'))
  : {};

function fixtureVariant(name: VariantName): FixtureVariant {
  const state =
    name === 'nest11'
      ? { available: true }
      : (installed[name] ?? {
          available: false,
          reason: 'the test setup did not run',
        });
  return { name, label: variantLabel(name), main: variantMain(name), ...state };
}

/** Every dependency set, with whether it is available in this run. */
export const FIXTURE_VARIANTS: Record<VariantName, FixtureVariant> = {
  nest11: fixtureVariant('nest11'),
  nest12: fixtureVariant('nest12'),
  floors: fixtureVariant('floors'),
};

/** A suite's whole body, or its lean subset: the tests before the body checks `lean` and returns. */
export type Coverage = 'full' | 'lean';

/** Per dependency set, the stores a suite runs on and how much of it. */
export type VariantPlan = Partial<Record<VariantName, Partial<Record<StoreTarget['name'], Coverage>>>>;

/** Every store, the whole suite. */
export const ALL_STORES = {
  sqlite: 'full',
  postgres: 'full',
  mysql: 'full',
  mongo: 'full',
} as const;

/**
 * "; on sqlite, postgres, lean subset on mongo" when a set runs on some stores, or some lean;
 * nothing for every store, or for a single one (its block's title names it).
 */
function storesNote(stores: Partial<Record<StoreTarget['name'], Coverage>>): string {
  const full = STORE_TARGETS.filter((t) => stores[t.name] === 'full').map((t) => t.name);
  const lean = STORE_TARGETS.filter((t) => stores[t.name] === 'lean').map((t) => t.name);
  if (lean.length === 0 && (full.length === STORE_TARGETS.length || full.length === 1)) {
    return '';
  }
  const parts = [full.length > 0 ? `on ${full.join(', ')}` : '', lean.length > 0 ? `lean subset on ${lean.join(', ')}` : ''];
  return `; ${parts.filter(Boolean).join(', ')}`;
}

/**
 * `describe` for each dependency set of the plan and each of its stores, titled
 * `<title> [<set>; <stores>] [<store>]`. A set that is not installed gets skipped blocks whose
 * titles say why, and so does a store whose server did not answer: the summary shows what did
 * not run. The body learns the store, the set, whether to stop after its lean subset, and
 * whether its commands run in the test process: with `inProcess`, the commands it waits for do,
 * loaded from the set's own folder (test/support/in-process-cli.ts; the set's title says
 * "commands in process"), while the runners it starts stay child processes.
 */
export function describeEachVariant(
  title: string,
  plan: VariantPlan,
  body: (target: StoreTarget, variant: FixtureVariant, coverage: Coverage, inProcess: boolean) => void,
  options: { inProcess?: boolean } = {},
): void {
  for (const [name, stores = {}] of Object.entries(plan) as Array<[VariantName, VariantPlan[VariantName]]>) {
    const variant = FIXTURE_VARIANTS[name];
    const inProcess = options.inProcess === true;
    const setTitle = `${title} [${variant.label}${inProcess ? ', commands in process' : ''}${storesNote(stores)}]`;
    for (const target of STORE_TARGETS.filter((t) => stores[t.name] !== undefined)) {
      const coverage = stores[target.name] as Coverage;
      const storeTitle = coverage === 'lean' ? `${target.name}, lean subset` : target.name;
      const run = (): void => body(target, variant, coverage, inProcess);
      if (!variant.available) {
        describe.skip(`${setTitle} [${storeTitle}: SKIPPED, set not installed: ${variant.reason}]`, run);
      } else if (!target.available) {
        describe.skip(`${setTitle} [${storeTitle}: server unreachable, SKIPPED]`, run);
      } else {
        describe(`${setTitle} [${storeTitle}]`, run);
      }
    }
  }
}
