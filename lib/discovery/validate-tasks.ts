import { DuplicateTaskNameError } from '../errors/duplicate-task-name.error';
import { DuplicateTaskVersionError } from '../errors/duplicate-task-version.error';
import { InvalidTaskClassError } from '../errors/invalid-task-class.error';
import { InvalidTaskVersionError } from '../errors/invalid-task-version.error';
import type { BatchedTask } from '../interfaces/batched-task.interface';
import type { DeployTask } from '../interfaces/deploy-task.interface';
import type { AfterPartyTaskOptions } from '../interfaces/task-options.interface';
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
  refuseScope(className, scope);
  const problem = versionProblem(options?.version);
  if (problem) {
    throw new InvalidTaskVersionError(className, options?.version, problem, versionOf(new Date()));
  }
  const batch = batchOptionsOf(className, options, instance);
  const common = {
    version: options.version,
    name: nameOf(className, options),
    description: options.description ?? '',
    className,
    everyDeploy: options.everyDeploy === true,
    transaction: options.transaction === true,
    timeout: timeoutOf(className, options),
    environments: environmentsOf(className, options),
    perTenant: perTenantOf(className, options),
  };
  // The kind is decided here, once: the runner and the operator read `kind`, never the options again.
  if (batch === null) {
    return { ...common, kind: 'plain', batch, instance: instance as DeployTask };
  }
  const { distribute } = batch;
  return distribute === null
    ? { ...common, kind: 'batched', batch: { ...batch, distribute }, instance: instance as BatchedTask }
    : { ...common, kind: 'distributed', batch: { ...batch, distribute }, instance: instance as BatchedTask };
}

function perTenantOf(className: string, options: AfterPartyTaskOptions): boolean {
  if (options.perTenant !== undefined && typeof options.perTenant !== 'boolean') {
    throw new InvalidTaskClassError(className, `has perTenant ${JSON.stringify(options.perTenant)}`, 'Set perTenant to true or false.');
  }
  return options.perTenant === true;
}

function refuseScope(className: string, scope: TaskCandidate['scope']): void {
  if (scope !== 'static') {
    throw new InvalidTaskClassError(
      className,
      `is ${scope}-scoped (or depends on a ${scope}-scoped provider)`,
      'Tasks run outside any request: make it and its dependencies default (singleton) scoped.',
    );
  }
}

function nameOf(className: string, options: AfterPartyTaskOptions): string {
  const name = options.name ?? defaultTaskName(className);
  if (!NAME_PATTERN.test(name) || /^\d{14}$/.test(name)) {
    throw new InvalidTaskClassError(
      className,
      `has an unusable name ${JSON.stringify(name)}`,
      'Use letters, digits, ".", "_" and "-", starting with a letter or digit, and not 14 digits (that reads as a version).',
    );
  }
  return name;
}

function timeoutOf(className: string, { timeout }: AfterPartyTaskOptions): number | null {
  if (timeout === undefined) {
    return null;
  }
  if (!(Number.isInteger(timeout) && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    throw new InvalidTaskClassError(
      className,
      `has timeout ${String(timeout)}`,
      `Set \`timeout\` to a whole number of milliseconds from 1 to ${MAX_TIMER_MS} (about 24.8 days, the longest Node's timers wait), or leave it out.`,
    );
  }
  return timeout;
}

function environmentsOf(className: string, options: AfterPartyTaskOptions): string[] | null {
  const environments = options.environments ?? null;
  const usable = (list: unknown): boolean => Array.isArray(list) && list.length > 0 && list.every((e) => typeof e === 'string' && e !== '');
  if (environments !== null && !usable(environments)) {
    throw new InvalidTaskClassError(className, `has environments ${JSON.stringify(environments)}`, "Set `environments` to a non-empty list of environment names (e.g. ['production']), or leave it out.");
  }
  return environments;
}
