import { spawnSync } from 'node:child_process';

/** The outcome of a command run by {@link run}. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertions and failure messages. */
  readonly output: string;
}

/**
 * The environment for child commands: the test's own, minus the variables
 * `npm test` sets for its scripts (npm_config_local_prefix and friends would
 * make a nested npm act on this repository instead of the temp app).
 */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(config|package|lifecycle)_/i.test(key) || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * Runs a command to completion with no terminal (so schematics take their
 * defaults instead of prompting).
 */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CommandResult {
  const result = spawnSync(command, args, {
    cwd,
    env: childEnv(env),
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    // A command that hangs (a registry that stops answering) fails the test instead of
    // blocking the Jest worker past every timeout: spawnSync holds the event loop.
    timeout: 10 * 60 * 1000,
    killSignal: 'SIGKILL',
  });
  const stdout = result.stdout ?? '';
  const stderr = `${result.stderr ?? ''}${result.error ? `\n${String(result.error)}` : ''}`;
  return { status: result.status, stdout, stderr, output: `${stdout}\n${stderr}` };
}

/** Like {@link run}, but throws with the command's output when it fails. */
export function runOrThrow(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CommandResult {
  const result = run(command, args, cwd, env);
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` in ${cwd} exited ${result.status}:\n${result.output.slice(-6000)}`);
  }
  return result;
}
