import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { taskVersions } from '../app/src/versions';
import { createRoundTables, dropRoundTables, readRoundContents, type RoundContents, type RoundTables } from './databases';
import type { StressTarget } from './targets';

export { defaultTargets, reachable, type StressTarget } from './targets';

/** How hard to push: runner processes per round, tasks in the app, rounds per store. */
export interface StressOptions {
  runners: number;
  tasks: number;
  rounds: number;
  /** How long each task sleeps before writing its effect, so runners overlap. */
  taskDelayMs: number;
  /** A round whose runners have not all exited by then is a hang: they are killed. */
  roundTimeoutMs: number;
}

export const DEFAULT_OPTIONS: StressOptions = { runners: 8, tasks: 50, rounds: 10, taskDelayMs: 20, roundTimeoutMs: 150_000 };

/** STRESS_RUNNERS, STRESS_TASKS, STRESS_ROUNDS, STRESS_TASK_DELAY_MS, STRESS_ROUND_TIMEOUT_MS over the defaults. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env, defaults: StressOptions = DEFAULT_OPTIONS): StressOptions {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      return fallback;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`${name} must be an integer of at least ${min}, got "${raw}"`);
    }
    return value;
  };
  return {
    runners: read('STRESS_RUNNERS', defaults.runners, 1),
    tasks: read('STRESS_TASKS', defaults.tasks, 1),
    rounds: read('STRESS_ROUNDS', defaults.rounds, 1),
    taskDelayMs: read('STRESS_TASK_DELAY_MS', defaults.taskDelayMs, 0),
    roundTimeoutMs: read('STRESS_ROUND_TIMEOUT_MS', defaults.roundTimeoutMs, 1000),
  };
}

/** The stress/ directory, from stress/src (ts-jest) or stress/dist/src (compiled). */
export const STRESS_DIR = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'tsconfig.json')) && existsSync(join(dir, 'app', 'src'))) {
      return dir;
    }
  }
  throw new Error(`stress/ not found above ${__dirname}`);
})();

/** The compiled stress app's entry point. */
export const STRESS_MAIN = join(STRESS_DIR, 'dist', 'app', 'src', 'main.js');

/** Compiles the stress app (and this script) with the repository's TypeScript. The library's dist/ must be built. */
export function buildStressApp(): void {
  const root = dirname(STRESS_DIR);
  if (!existsSync(join(root, 'dist', 'index.d.ts'))) {
    throw new Error('dist/ is missing: run `npm run build` first (the stress app imports after-party from dist/).');
  }
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(STRESS_DIR, 'tsconfig.json')], {
    cwd: root,
    stdio: 'inherit',
  });
}

/** One runner process of a round, as its exit status and log lines tell it. */
export interface RunnerOutcome {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed by the round timeout. */
  hung: boolean;
  stdout: string;
  stderr: string;
  /** When the app context was up, just before asking for the lock (epoch ms, from its log). */
  readyAt?: number;
  /** Its first line that can only be logged under the lock ("N tasks to run" or "No pending tasks."). */
  acquiredAt?: number;
  /** Its last line logged under the lock (the last "Completed ..."), just before it released the lock. */
  releasedAt?: number;
  /** "Running <version>" lines. */
  ran: string[];
  /** Found the lock held by another runner: see {@link markLockWaits}. */
  waited: boolean;
  /** acquiredAt - readyAt. */
  waitMs?: number;
}

/** One round: N runners at once on fresh tables, then the database's account of what happened. */
export interface RoundResult {
  round: number;
  wallMs: number;
  runners: RunnerOutcome[];
  /** Effect rows: task executions, counted in the database. */
  taskRuns: number;
  /** Executions beyond the first, summed over versions. */
  duplicates: number;
  /** Versions with no effect. */
  missing: number;
  /** Effects of versions the app does not have. */
  unexpected: number;
  /** Completed run records. */
  completedRecords: number;
  /** Runners that found the lock held. */
  lockWaits: number;
  maxWaitMs: number;
  /** Runners that logged under the lock while another runner held it (a lost lock). */
  overlaps: number;
  /** Runners that exited non-zero, by signal, or hung. */
  badExits: number;
  /** Everything wrong with the round; empty when it was clean. */
  problems: string[];
  /** Where the runners' output was saved when the round had problems. */
  logDir?: string;
}

/** The figures of one store over all its rounds. */
export interface StoreSummary {
  target: StressTarget;
  options: StressOptions;
  rounds: RoundResult[];
  runnerProcesses: number;
  taskRuns: number;
  duplicates: number;
  missing: number;
  completedRecords: number;
  lockWaits: number;
  maxWaitMs: number;
  overlaps: number;
  badExits: number;
  wallMedianMs: number;
  wallMaxMs: number;
  /** What is wrong with the store as a whole, beyond its rounds' problems. */
  problems: string[];
  ok: boolean;
}

const LINE = /^\[Nest\] (\d+)\s+-\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\s+(\w+) \[([^\]]+)\] (.*)$/;

/** Reads a runner's log: when it was ready, took and released the lock, and what it ran. */
export function parseRunnerLog(output: string): Pick<RunnerOutcome, 'readyAt' | 'acquiredAt' | 'releasedAt' | 'ran'> {
  const parsed: Pick<RunnerOutcome, 'readyAt' | 'acquiredAt' | 'releasedAt' | 'ran'> = { ran: [] };
  for (const line of output.split('\n')) {
    const match = LINE.exec(line);
    if (!match) {
      continue;
    }
    const [, , time, , context, message] = match;
    const at = Date.parse(time);
    if (context === 'Stress' && message === 'ready') {
      parsed.readyAt = at;
    } else if (context === 'AfterParty') {
      if (/^\d+ tasks? to run: /.test(message) || message === 'No pending tasks.') {
        parsed.acquiredAt ??= at;
      }
      const running = /^Running (\d{14}) /.exec(message);
      if (running) {
        parsed.ran.push(running[1]);
      }
      if (parsed.acquiredAt !== undefined) {
        parsed.releasedAt = at;
      }
    }
  }
  return parsed;
}

/**
 * The runner does not log that it waits, so waits are read from the timestamps: a runner found
 * the lock held when another runner took it first and still held it after this one was ready.
 */
export function markLockWaits(runners: RunnerOutcome[]): void {
  for (const runner of runners) {
    if (runner.readyAt === undefined || runner.acquiredAt === undefined) {
      continue;
    }
    runner.waited = runners.some(
      (other) =>
        other !== runner &&
        other.acquiredAt !== undefined &&
        other.releasedAt !== undefined &&
        other.acquiredAt <= runner.acquiredAt! &&
        other.releasedAt > runner.readyAt!,
    );
    runner.waitMs = runner.acquiredAt - runner.readyAt;
  }
}

/** Runners that logged a lock-only line strictly inside another runner's lock-held window. */
export function countOverlaps(runners: RunnerOutcome[]): number {
  return runners.filter((runner) =>
    runners.some(
      (other) =>
        other !== runner &&
        other.acquiredAt !== undefined &&
        other.releasedAt !== undefined &&
        runner.acquiredAt !== undefined &&
        other.acquiredAt < runner.acquiredAt &&
        runner.acquiredAt < other.releasedAt,
    ),
  ).length;
}

function startRunner(target: StressTarget, tables: RoundTables, options: StressOptions): { pid: number; done: Promise<RunnerOutcome>; kill: () => void } {
  const { CI: _ci, AFTER_PARTY_DEPLOY_ID: _deploy, ...inherited } = process.env;
  const child = spawn(process.execPath, [STRESS_MAIN, 'after-party:run'], {
    cwd: tables.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      NO_COLOR: '1',
      STRESS_DB: target.db,
      STRESS_DB_URL: tables.url,
      STRESS_TABLE: tables.records,
      STRESS_EFFECTS: tables.effects,
      STRESS_TASKS: String(options.tasks),
      STRESS_TASK_DELAY_MS: String(options.taskDelayMs),
    },
  });
  let stdout = '';
  let stderr = '';
  let hung = false;
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<RunnerOutcome>((resolve) => {
    child.on('close', (code, signal) =>
      resolve({ pid: child.pid ?? -1, code, signal, hung, stdout, stderr, waited: false, ...parseRunnerLog(`${stdout}\n${stderr}`) }),
    );
  });
  return {
    pid: child.pid ?? -1,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) {
        hung = true;
        child.kill('SIGKILL');
      }
    },
  };
}

/** Judges a round from its runners and the database's contents. */
export function judgeRound(round: number, wallMs: number, runners: RunnerOutcome[], contents: RoundContents, versions: string[]): RoundResult {
  markLockWaits(runners);
  const expected = new Set(versions);
  let taskRuns = 0;
  let duplicates = 0;
  let unexpected = 0;
  for (const [version, count] of contents.effects) {
    taskRuns += count;
    if (!expected.has(version)) {
      unexpected += count;
    } else if (count > 1) {
      duplicates += count - 1;
    }
  }
  const missingVersions = versions.filter((version) => !contents.effects.has(version));
  const completedRecords = [...contents.completed.values()].reduce((sum, count) => sum + count, 0);
  const badCompleted = versions.filter((version) => contents.completed.get(version) !== 1);
  const waits = runners.filter((runner) => runner.waited);
  const overlaps = countOverlaps(runners);
  const bad = runners.filter((runner) => runner.code !== 0 || runner.signal !== null || runner.hung);
  const ranLines = runners.reduce((sum, runner) => sum + runner.ran.length, 0);

  const problems: string[] = [];
  if (duplicates > 0) {
    const twice = [...contents.effects].filter(([version, count]) => expected.has(version) && count > 1).map(([version, count]) => `${version}×${count}`);
    problems.push(`${duplicates} duplicate effect(s): ${twice.join(', ')}`);
  }
  if (missingVersions.length > 0) {
    problems.push(`${missingVersions.length} missing effect(s): ${missingVersions.slice(0, 10).join(', ')}${missingVersions.length > 10 ? ', ...' : ''}`);
  }
  if (unexpected > 0) {
    problems.push(`${unexpected} effect(s) of unknown versions`);
  }
  if (badCompleted.length > 0 || completedRecords !== versions.length) {
    problems.push(`${completedRecords} completed records for ${versions.length} tasks (${badCompleted.length} version(s) without exactly one)`);
  }
  if (contents.notCompleted > 0) {
    problems.push(`${contents.notCompleted} run record(s) not completed (running, failed or interrupted)`);
  }
  if (ranLines !== taskRuns) {
    problems.push(`runners logged ${ranLines} "Running" lines but the database has ${taskRuns} effects`);
  }
  if (overlaps > 0) {
    problems.push(`${overlaps} runner(s) logged under the lock while another runner held it`);
  }
  for (const runner of bad) {
    const why = runner.hung ? 'hung (killed at the round timeout)' : runner.signal ? `killed by ${runner.signal}` : `exited ${runner.code}`;
    problems.push(`runner pid ${runner.pid} ${why}: ${lastLines(runner.stderr || runner.stdout, 3)}`);
  }
  for (const runner of runners.filter((r) => !bad.includes(r) && (r.readyAt === undefined || r.acquiredAt === undefined))) {
    problems.push(`runner pid ${runner.pid} exited 0 without logging "ready" and a lock-held line`);
  }
  return {
    round,
    wallMs,
    runners,
    taskRuns,
    duplicates,
    missing: missingVersions.length,
    unexpected,
    completedRecords,
    lockWaits: waits.length,
    maxWaitMs: Math.max(0, ...waits.map((runner) => runner.waitMs ?? 0)),
    overlaps,
    badExits: bad.length,
    problems,
  };
}

/** Runs one round: fresh tables, N runners at once, counts, cleanup. */
export async function runRound(target: StressTarget, options: StressOptions, round: number): Promise<RoundResult> {
  const tables = await createRoundTables(target);
  try {
    const started = performance.now();
    const runners = Array.from({ length: options.runners }, () => startRunner(target, tables, options));
    const timer = setTimeout(() => runners.forEach((runner) => runner.kill()), options.roundTimeoutMs);
    const outcomes = await Promise.all(runners.map((runner) => runner.done));
    clearTimeout(timer);
    const wallMs = Math.round(performance.now() - started);
    const contents = await readRoundContents(target, tables);
    const result = judgeRound(round, wallMs, outcomes, contents, taskVersions(options.tasks));
    if (result.problems.length > 0) {
      result.logDir = saveLogs(target, tables, result);
    }
    return result;
  } finally {
    await dropRoundTables(target, tables);
  }
}

/** Runs every round on one store and sums the figures. */
export async function runStore(target: StressTarget, options: StressOptions, onRound?: (result: RoundResult) => void): Promise<StoreSummary> {
  const rounds: RoundResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const result = await runRound(target, options, round);
    rounds.push(result);
    onRound?.(result);
  }
  return summarize(target, options, rounds);
}

export function summarize(target: StressTarget, options: StressOptions, rounds: RoundResult[]): StoreSummary {
  const sum = (pick: (round: RoundResult) => number): number => rounds.reduce((total, round) => total + pick(round), 0);
  const walls = rounds.map((round) => round.wallMs).sort((a, b) => a - b);
  const middle = Math.floor(walls.length / 2);
  const lockWaits = sum((round) => round.lockWaits);
  const problems: string[] = [];
  // Runners that never met a held lock ran one after the other: the rounds proved nothing about exclusion.
  if (options.runners > 1 && rounds.length > 0 && lockWaits === 0) {
    problems.push(`no runner waited for the lock in ${rounds.length} round(s): the runners never contended`);
  }
  return {
    target,
    options,
    rounds,
    runnerProcesses: sum((round) => round.runners.length),
    taskRuns: sum((round) => round.taskRuns),
    duplicates: sum((round) => round.duplicates),
    missing: sum((round) => round.missing),
    completedRecords: sum((round) => round.completedRecords),
    lockWaits,
    maxWaitMs: Math.max(0, ...rounds.map((round) => round.maxWaitMs)),
    overlaps: sum((round) => round.overlaps),
    badExits: sum((round) => round.badExits),
    wallMedianMs: walls.length === 0 ? 0 : walls.length % 2 ? walls[middle] : Math.round((walls[middle - 1] + walls[middle]) / 2),
    wallMaxMs: walls[walls.length - 1] ?? 0,
    problems,
    ok: problems.length === 0 && rounds.every((round) => round.problems.length === 0),
  };
}

/** One line per round, for progress output. */
export function formatRound(target: StressTarget, result: RoundResult): string {
  const head =
    `${target.name.padEnd(8)} round ${String(result.round).padStart(2)}: ${result.taskRuns} task runs, ` +
    `${result.duplicates} duplicates, ${result.missing} missing, ${result.completedRecords} completed records, ` +
    `${result.lockWaits}/${result.runners.length} runners waited for the lock (max ${seconds(result.maxWaitMs)}), wall ${seconds(result.wallMs)}`;
  return result.problems.length === 0 ? head : `${head}\n  PROBLEMS:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n  runner output: ${result.logDir}`;
}

/** The figures table, one row per store. */
export function formatTable(summaries: StoreSummary[], skipped: string[] = []): string {
  const header = ['store', 'rounds', 'runner processes', 'task runs', 'duplicates', 'missing', 'completed records', 'lock waits', 'max lock wait', 'bad exits', 'lock overlaps', 'wall median', 'wall max', 'result'];
  const rows = summaries.map((s) => [
    s.target.name,
    String(s.rounds.length),
    String(s.runnerProcesses),
    String(s.taskRuns),
    String(s.duplicates),
    String(s.missing),
    String(s.completedRecords),
    String(s.lockWaits),
    seconds(s.maxWaitMs),
    String(s.badExits),
    String(s.overlaps),
    seconds(s.wallMedianMs),
    seconds(s.wallMaxMs),
    s.ok ? 'ok' : 'FAILED',
  ]);
  for (const name of skipped) {
    rows.push([name, ...header.slice(1, -1).map(() => '-'), 'SKIPPED (unreachable)']);
  }
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' / ') || '(no output)';
}

function saveLogs(target: StressTarget, tables: RoundTables, result: RoundResult): string {
  const dir = join(tmpdir(), 'after-party-stress-failures', `${target.name}-${tables.records}`);
  mkdirSync(dir, { recursive: true });
  for (const runner of result.runners) {
    writeFileSync(join(dir, `runner-${runner.pid}.log`), `exit ${runner.code} signal ${runner.signal} hung ${runner.hung}\n--- stdout\n${runner.stdout}\n--- stderr\n${runner.stderr}`);
  }
  writeFileSync(join(dir, 'problems.txt'), `${result.problems.join('\n')}\n`);
  return dir;
}
