import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The property suite's settings: a fixed seed so that CI is reproducible, and a modest number of
 * runs per property. `AP_PROPERTY_SEED` and `AP_PROPERTY_RUNS` override them (a failure prints
 * its seed and path, which `AP_PROPERTY_SEED` with `AP_PROPERTY_PATH` replays).
 */
export const PROPERTY_SEED = envInteger('AP_PROPERTY_SEED') ?? 20261204;
export const PROPERTY_RUNS = envInteger('AP_PROPERTY_RUNS') ?? 25;
export const PROPERTY_PATH = process.env.AP_PROPERTY_PATH || undefined;

function envInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${name} must be an integer, not ${JSON.stringify(text)}`);
  }
  return value;
}

/** fast-check's parameters for one property: the seed, the runs, and a bound on its time (shrinking included). */
export function propertyParameters(runs = PROPERTY_RUNS): {
  seed: number;
  numRuns: number;
  path?: string;
  interruptAfterTimeLimit: number;
  markInterruptAsFailure: false;
} {
  return {
    seed: PROPERTY_SEED,
    numRuns: runs,
    ...(PROPERTY_PATH ? { path: PROPERTY_PATH } : {}),
    interruptAfterTimeLimit: 10_000,
    markInterruptAsFailure: false,
  };
}

const TMP = join(__dirname, '..', '..', '.tmp');

/**
 * Appends a shrunk counterexample, as JSON, to `.tmp/property-counterexamples.jsonl`: the raw
 * material of the fixed regression cases in `counterexamples.ts`.
 */
export function recordCounterexample(title: string, example: unknown, failure: string): void {
  try {
    mkdirSync(TMP, { recursive: true });
    appendFileSync(join(TMP, 'property-counterexamples.jsonl'), `${JSON.stringify({ title, seed: PROPERTY_SEED, failure, example })}\n`);
  } catch {
    // Only a convenience: the failing test prints the counterexample too.
  }
}

let logged = false;
/** Logs the seed once per file, so a failure in CI can be replayed. */
export function logSeed(): void {
  if (!logged) {
    logged = true;
    process.stdout.write(`property suite: seed ${PROPERTY_SEED}, ${PROPERTY_RUNS} runs per property (AP_PROPERTY_SEED / AP_PROPERTY_RUNS override)\n`);
  }
}
