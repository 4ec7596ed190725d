import fc from 'fast-check';
import { tally } from './run-collection';
import { propertyParameters, recordCounterexample } from './settings';

/**
 * Checks one property with the suite's seed and runs; on failure records the shrunk
 * counterexample (see `recordCounterexample`) and fails with fast-check's report, which names
 * the seed and path that replay it.
 */
export async function checkProperty<T>(
  title: string,
  arbitrary: fc.Arbitrary<T>,
  failureOf: (value: T) => Promise<string | null>,
  runs?: number,
): Promise<void> {
  const property = fc.asyncProperty(arbitrary, async (value) => {
    const failure = await failureOf(value);
    if (failure !== null) {
      throw new Error(failure);
    }
  });
  for (const name of Object.keys(tally) as Array<keyof typeof tally>) {
    tally[name] = 0;
  }
  const details = await fc.check(property, propertyParameters(runs));
  process.stdout.write(
    `${title}: ${details.numRuns} runs${details.failed ? ' (failed, then shrunk)' : ''}; cases completed ${tally.completed}, empty ${tally.empty}, refused where required ${tally.refusedRequired}, refused where allowed ${tally.refusedAllowed}, crashed ${tally.crashed}\n`,
  );
  if (details.failed) {
    const [example] = details.counterexample ?? [undefined];
    const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    recordCounterexample(title, example, message);
    throw new Error(`${title}: ${message}\n${fc.defaultReportMessage(details)}`);
  }
}
