import type { CommanderError } from 'commander';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { CommanderExitSignal } from './report-failure';

/**
 * commander's exit hook: help and version end quietly with their code; usage errors
 * (unknown flag, missing argument, unknown command) become an exit-2 error with one line.
 * Throwing keeps commander from calling process.exit itself.
 */
export function onCommanderExit(err: Error): never {
  const error = err as CommanderError;
  if (error.exitCode === 0) {
    throw new CommanderExitSignal(0);
  }
  const message = error.message.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
  throw new InvalidOptionsError(`${message}. Run the command with --help to see its usage.`);
}
