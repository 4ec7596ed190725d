import { DuplicateTaskNameError } from '../errors/duplicate-task-name.error';
import { DuplicateTaskVersionError } from '../errors/duplicate-task-version.error';
import { InvalidTaskClassError } from '../errors/invalid-task-class.error';
import { InvalidTaskVersionError } from '../errors/invalid-task-version.error';
import type { DeployTask } from '../interfaces/deploy-task.interface';
import type { RegisteredTask } from './registered-task.interface';
import type { TaskCandidate } from './task-candidate.interface';
import { defaultTaskName } from './task-name';
import { versionOf, versionProblem } from './task-version';
import { batchOptionsOf } from './validate-batch';
import { MAX_TIMER_MS } from '../config/after-party.constants';

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * Validates discovered task candidates and returns them in ascending version order.
 * Throws the first problem found as a typed error whose message names the fix.
 */
export function validateTasks(candidates: TaskCandidate[]): RegisteredTask[] {
  const byVersion = new Map<string, RegisteredTask>();
  const byName = new Map<string, RegisteredTask>();
  for (const candidate of candidates) {
    const task = toRegisteredTask(candidate);
    const sameVersion = byVersion.get(task.version);
    if (sameVersion) {
      throw new DuplicateTaskVersionError(task.version, sameVersion.className, task.className);
    }
    const sameName = byName.get(task.name);
    if (sameName) {
      throw new DuplicateTaskNameError(task.name, sameName.className, task.className);
    }
    byVersion.set(task.version, task);
    byName.set(task.name, task);
  }
  return [...byVersion.values()].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

function toRegisteredTask({ className, options, instance, scope }: TaskCandidate): RegisteredTask {
  if (scope !== 'static') {
    throw new InvalidTaskClassError(
      className,
      `is ${scope}-scoped (or depends on a ${scope}-scoped provider)`,
      'Tasks run outside any request: make it and its dependencies default (singleton) scoped.',
    );
  }
  const problem = versionProblem(options?.version);
  if (problem) {
    throw new InvalidTaskVersionError(className, options?.version, problem, versionOf(new Date()));
  }
  const batch = batchOptionsOf(className, options, instance);
  const name = options.name ?? defaultTaskName(className);
  if (!NAME_PATTERN.test(name) || /^\d{14}$/.test(name)) {
    throw new InvalidTaskClassError(
      className,
      `has an unusable name ${JSON.stringify(name)}`,
      'Use letters, digits, ".", "_" and "-", starting with a letter or digit, and not 14 digits (that reads as a version).',
    );
  }
  if (options.timeout !== undefined && !(Number.isInteger(options.timeout) && options.timeout > 0 && options.timeout <= MAX_TIMER_MS)) {
    throw new InvalidTaskClassError(
      className,
      `has timeout ${String(options.timeout)}`,
      `Set \`timeout\` to a whole number of milliseconds from 1 to ${MAX_TIMER_MS} (about 24.8 days, the longest Node's timers wait), or leave it out.`,
    );
  }
  const environments = options.environments ?? null;
  if (environments !== null && !(Array.isArray(environments) && environments.length > 0 && environments.every((e) => typeof e === 'string' && e !== ''))) {
    throw new InvalidTaskClassError(className, `has environments ${JSON.stringify(environments)}`, "Set `environments` to a non-empty list of environment names (e.g. ['production']), or leave it out.");
  }
  return {
    version: options.version,
    name,
    description: options.description ?? '',
    className,
    everyDeploy: options.everyDeploy === true,
    transaction: options.transaction === true,
    timeout: options.timeout ?? null,
    environments,
    batch,
    instance: instance as DeployTask,
  };
}
