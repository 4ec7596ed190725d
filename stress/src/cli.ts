import { defaultTargets, formatRound, formatTable, optionsFromEnv, reachable, runStore, type StoreSummary } from './stress';

/**
 * `npm run stress`: N runner processes at once per round, on every store, checking in the
 * database that each task ran exactly once. Exits 1 on any duplicate, missing effect, bad
 * exit, hang or lock overlap; 2 on a configuration error.
 */
async function main(): Promise<number> {
  const options = optionsFromEnv();
  const known = defaultTargets();
  const wanted = (process.env.STRESS_STORES || known.map((target) => target.name).join(',')).split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !known.some((target) => target.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`stress: unknown store(s) in STRESS_STORES: ${unknown.join(', ')} (known: ${known.map((t) => t.name).join(', ')})\n`);
    return 2;
  }
  const targets = known.filter((target) => wanted.includes(target.name));
  process.stdout.write(
    `after-party stress: ${options.runners} runners × ${options.tasks} tasks × ${options.rounds} rounds per store, ` +
      `task delay ${options.taskDelayMs} ms, stores ${targets.map((t) => t.name).join(', ')}\n`,
  );
  const summaries: StoreSummary[] = [];
  const skipped: string[] = [];
  for (const target of targets) {
    if (!(await reachable(target))) {
      if (process.env.CI === 'true') {
        process.stderr.write(`stress: ${target.name} server ${target.url} is unreachable (CI=true)\n`);
        return 2;
      }
      process.stdout.write(`${target.name}: server ${target.url} unreachable, SKIPPED\n`);
      skipped.push(target.name);
      continue;
    }
    summaries.push(await runStore(target, options, (round) => process.stdout.write(`${formatRound(target, round)}\n`)));
  }
  process.stdout.write(`\n${formatTable(summaries, skipped)}\n`);
  const failed = summaries.filter((summary) => !summary.ok);
  if (failed.length > 0) {
    for (const summary of failed.filter((s) => s.problems.length > 0)) {
      process.stdout.write(`\n${summary.target.name}: ${summary.problems.join('; ')}`);
    }
    process.stdout.write(`\nFAILED on ${failed.map((s) => s.target.name).join(', ')}: see the PROBLEMS above.\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`stress: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
