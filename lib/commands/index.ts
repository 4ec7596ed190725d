import type { Type } from '@nestjs/common';

/**
 * Each after-party command's class by its name, loaded on demand: a process started with one
 * command loads and registers only that one, so nest-commander, which looks through every
 * provider of the app for each command's options, does that once rather than once per command.
 */
const COMMANDS: Record<string, () => Type> = {
  'after-party:run': () => require('./run.command').RunCommand,
  'after-party:status': () => require('./status.command').StatusCommand,
  'after-party:mark-done': () => require('./mark-done.command').MarkDoneCommand,
  'after-party:reset': () => require('./reset.command').ResetCommand,
  'after-party:pause': () => require('./pause.command').PauseCommand,
  'after-party:resume': () => require('./resume.command').ResumeCommand,
  'after-party:cancel': () => require('./cancel.command').CancelCommand,
  'after-party:tenant': () => require('./tenant.command').TenantCommand,
};

/** Whether `name` is an after-party command. */
export function isCommandName(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/** Every after-party command (providers for nest-commander). */
export function allCommandClasses(): Type[] {
  return Object.values(COMMANDS).map((load) => load());
}

/**
 * The command providers a process started as `node main <name> ...` needs: that command alone,
 * or, for a name that is no command (a typo, `--help`), all of them, so that commander's usage
 * error can list and suggest them.
 */
export function commandClassesFor(name: string | undefined): Type[] {
  const load = name === undefined ? undefined : COMMANDS[name];
  return load ? [load()] : allCommandClasses();
}
