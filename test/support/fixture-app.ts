import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropTestTables } from './drop-tables';
import { FIXTURE_VARIANTS, type FixtureVariant } from './fixture-variants';
import { inProcessBusy, runInProcess } from './in-process-cli';
import { uniqueTable, type StoreTarget } from './stores';

/** The longest a fixture process may live: no single test runs this long. */
const CHILD_LIFETIME_MS = 5 * 60 * 1000;

/** How a CLI process ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started CLI process. */
export interface RunningCli {
  child: ChildProcess;
  result: Promise<CliResult>;
  /** Resolves once stdout or stderr contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/**
 * The fixture app (test/fixtures/app) as a deploy hook would run it: `node dist/main.js
 * after-party:*` in a child process, with its own records table and effects file, on one
 * dependency set (this repository's Nest 11 unless told otherwise).
 */
export class FixtureApp {
  readonly table = uniqueTable();
  readonly dir = mkdtempSync(join(tmpdir(), 'after-party-e2e-'));
  readonly effectsFile = join(this.dir, 'effects.txt');

  constructor(
    readonly target: StoreTarget,
    readonly variant: FixtureVariant = FIXTURE_VARIANTS.nest11,
    private readonly baseEnv: Record<string, string> = {},
    /**
     * Whether {@link run} runs a command inside the Jest worker (test/support/in-process-cli.ts)
     * when it can: one command at a time, on the app's dependency set. {@link start} always
     * starts a child process.
     */
    readonly inProcess = false,
  ) {}

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const { CI: _ci, AFTER_PARTY_DEPLOY_ID: _deploy, ...inherited } = process.env;
    return {
      ...inherited,
      NO_COLOR: '1',
      AP_DB: this.target.db,
      AP_DB_URL: this.target.url ?? join(this.dir, 'app.sqlite'),
      AP_TABLE: this.table,
      AP_EFFECTS_FILE: this.effectsFile,
      ...this.baseEnv,
      ...extra,
    };
  }

  start(args: string[], extraEnv: Record<string, string> = {}): RunningCli {
    const child = spawn(process.execPath, [this.variant.main, ...args], {
      env: this.env(extraEnv),
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A process that outlives its test (the test timed out or failed before stopping it)
    // must not hold locks or keep consuming jobs while later tests run.
    const watchdog = setTimeout(() => child.kill('SIGKILL'), CHILD_LIFETIME_MS);
    watchdog.unref();
    child.on('close', () => clearTimeout(watchdog));
    let stdout = '';
    let stderr = '';
    const waiters: Array<{ text: string; resolve: () => void }> = [];
    const check = (): void => {
      for (const waiter of [...waiters]) {
        if ((stdout + stderr).includes(waiter.text)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    };
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      check();
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      check();
    });
    const result = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    const waitFor = (text: string, timeoutMs = 20_000): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; output so far:\n${stdout}${stderr}`)), timeoutMs);
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      });
    return { child, result, waitFor };
  }

  /**
   * Runs a command to its end: in this process when the app was made `inProcess` and no other
   * command runs in it (a second runner at the same time is a child process), else as a child.
   */
  run(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
    // A task told to signal its own process must not signal the test runner.
    const signalsItself = 'AP_SIGTERM_AFTER' in { ...this.baseEnv, ...extraEnv };
    if (this.inProcess && !inProcessBusy() && !signalsItself) {
      return runInProcess(this.variant.main, args, this.env(extraEnv), this.dir);
    }
    return this.start(args, extraEnv).result;
  }

  /** How many times each task version's effect happened. */
  effects(): Record<string, number> {
    const counts: Record<string, number> = {};
    if (existsSync(this.effectsFile)) {
      for (const line of readFileSync(this.effectsFile, 'utf8').split('\n').filter(Boolean)) {
        counts[line] = (counts[line] ?? 0) + 1;
      }
    }
    return counts;
  }

  cleanupFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The fixture's task versions. */
export const V = {
  seed: '20260101000001',
  backfill: '20260101000002',
  warm: '20260101000003',
  long: '20260101000004',
  throwsString: '20260101000005',
  neverSettles: '20260101000006',
} as const;

/** Versions of the tasks a run started, in order, from its log. */
export function ranVersions(output: string): string[] {
  return [...output.matchAll(/Running (\d{14}) /g)].map((match) => match[1]);
}

/** The `after-party:status` table line of one version. */
export function statusLine(stdout: string, version: string): string {
  return stdout.split('\n').find((line) => line.includes(`  ${version}  `)) ?? '';
}

/**
 * A fresh fixture app (on `variant`, Nest 11 by default) for every test of the enclosing
 * describe, whose tables and files are removed afterwards. Returns a getter for the current
 * test's app. With `inProcess`, its commands run in the Jest worker where they can (see
 * {@link FixtureApp.run}).
 */
export function useFixtureApp(target: StoreTarget, variant: FixtureVariant = FIXTURE_VARIANTS.nest11, options: { inProcess?: boolean } = {}): () => FixtureApp {
  let app: FixtureApp;
  beforeEach(() => {
    app = new FixtureApp(target, variant, {}, options.inProcess === true);
  });
  afterEach(async () => {
    await dropTestTables(target, app.table);
    app.cleanupFiles();
  });
  return () => app;
}

/**
 * Reads `read()` again until `done` accepts what it returns, and returns that: a wait on the
 * record or the database instead of a sleep. Fails after `timeoutMs` with the last value read.
 */
export async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000, pauseMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** The title note of a block whose finished commands run in the test process (see {@link FixtureApp.run}). */
export const IN_PROCESS = '[commands in process; started runners are child processes]';

/** The one store that tests of store-independent paths run on, with their titles saying so. */
export const ONE_STORE = 'sqlite';

/**
 * `it` for a test whose code path does not depend on the store: it runs on SQLite only, its
 * title ending with "[store-independent: SQLite only]"; on other stores it is not defined.
 */
export function itOnOneStore(target: StoreTarget): (title: string, fn: () => Promise<void>, timeout?: number) => void {
  return (title, fn, timeout) => {
    if (target.name === ONE_STORE) {
      it(`${title} [store-independent: SQLite only]`, fn, timeout);
    }
  };
}
