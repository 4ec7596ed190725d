import { dirname, join, sep } from 'node:path';
import type { CliResult } from './fixture-app';

/**
 * The built fixture app's commands run inside the Jest worker: `runAfterPartyCommand` of the
 * built library (the very file `node dist/main.js` runs) on the fixture's root module, with
 * the command line, environment and output streams of the real process swapped in for the
 * run. It saves a Node start, Nest's and TypeORM's loading and their compilation per command:
 * about a second each on this machine.
 *
 * Node's own `require`, not Jest's (handed over by test/setup/environment.js): the fixture and
 * the library load as the child process loads them, and they see the real `process` (Jest hands
 * a spec a copy of it, and a `createRequire` of its own registry). The fixture's
 * own files are loaded again for every command, since they read their environment when they
 * load (the items table's name, the task list); Nest, TypeORM and the library stay loaded.
 *
 * What it cannot show is left to child processes: a command that ends with `process.exit` (it
 * fails here, naming the fix), a hang on an open handle, signals, kills, and several runners at
 * once.
 */

/** Thrown by the swapped-in `process.exit` so that nothing after it runs. */
class ProcessExit extends Error {
  constructor(readonly code: number | undefined) {
    super(`process.exit(${code ?? ''})`);
  }
}

const native = (
  globalThis as {
    __afterPartyNative?: {
      createRequire: (path: string) => NodeJS.Require;
      process: NodeJS.Process;
    };
  }
).__afterPartyNative;
if (!native) {
  throw new Error('in-process commands need the test environment of test/setup/environment.js (jest.config.js)');
}
const { createRequire, process: realProcess } = native;
let busy = false;

/** The files in Node's own module cache of this process: what in-process commands have loaded. */
export function loadedFiles(): string[] {
  return Object.keys(createRequire(__filename).cache);
}

/** Whether a command is already running in this process: the next one must be a child process. */
export function inProcessBusy(): boolean {
  return busy;
}

type Write = typeof process.stdout.write;

/** Runs `write` in place of both output streams' writes, and returns how to put them back. */
function captureOutput(onStdout: (text: string) => void, onStderr: (text: string) => void): () => void {
  const out = realProcess.stdout.write;
  const err = realProcess.stderr.write;
  const writer =
    (sink: (text: string) => void): Write =>
    (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') {
        (done as () => void)();
      }
      return true;
    };
  realProcess.stdout.write = writer(onStdout);
  realProcess.stderr.write = writer(onStderr);
  return () => {
    realProcess.stdout.write = out;
    realProcess.stderr.write = err;
  };
}

/** Sets `env` as the whole environment of the real process; returns how to put the old one back. */
function swapEnvironment(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...realProcess.env };
  const replace = (next: NodeJS.ProcessEnv): void => {
    for (const key of Object.keys(realProcess.env)) {
      if (!(key in next)) {
        delete realProcess.env[key];
      }
    }
    for (const [key, value] of Object.entries(next)) {
      if (value !== undefined) {
        realProcess.env[key] = value;
      }
    }
  };
  replace(env);
  return () => replace(saved);
}

/** Drops the fixture's own compiled files from Node's module cache, so they read the environment again. */
function forgetFixture(appDist: string): void {
  const prefix = appDist.endsWith(sep) ? appDist : appDist + sep;
  const cache = createRequire(__filename).cache;
  for (const file of Object.keys(cache)) {
    if (file.startsWith(prefix)) {
      delete cache[file];
    }
  }
}

/**
 * Runs `node <main> ...args` of the built fixture app in this process, with `env` as the whole
 * environment and `cwd` as the working directory, and returns what the child process would
 * have: its exit code and output. One at a time (see {@link inProcessBusy}).
 */
export async function runInProcess(main: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  if (busy) {
    throw new Error('a command is already running in this process; run this one as a child process');
  }
  busy = true;
  const appDist = dirname(main);
  let stdout = '';
  let stderr = '';
  const restoreOutput = captureOutput(
    (text) => (stdout += text),
    (text) => (stderr += text),
  );
  const restoreEnvironment = swapEnvironment(env);
  const savedArgv = realProcess.argv;
  const savedExit = realProcess.exit;
  const savedCwd = realProcess.cwd();
  realProcess.argv = [realProcess.execPath, main, ...args];
  realProcess.exitCode = undefined;
  realProcess.exit = ((code?: number) => {
    throw new ProcessExit(code);
  }) as typeof process.exit;
  realProcess.chdir(cwd);
  let code: number;
  try {
    forgetFixture(appDist);
    const load = createRequire(main);
    const { AppModule } = load(join(appDist, 'app.module.js')) as {
      AppModule: unknown;
    };
    const { runAfterPartyCommand } = load('after-party') as {
      runAfterPartyCommand(module: unknown): Promise<boolean>;
    };
    await runAfterPartyCommand(AppModule);
    code = Number(realProcess.exitCode ?? 0);
  } catch (error) {
    if (error instanceof ProcessExit) {
      // The real process would end here and take its open connections and timers with it; in
      // this one they stay, so such a command is a child process's to run.
      throw new Error(
        `after-party ${args.join(' ')} ended with process.exit(${error.code ?? ''}), which a command run in the test process cannot: run it as a child process (app.start(args).result)`,
      );
    }
    throw error;
  } finally {
    realProcess.chdir(savedCwd);
    realProcess.exit = savedExit;
    realProcess.exitCode = undefined;
    realProcess.argv = savedArgv;
    restoreEnvironment();
    restoreOutput();
    busy = false;
  }
  return { code, signal: null, stdout, stderr };
}
