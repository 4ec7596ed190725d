import { AfterPartyError } from './after-party.error';

/** Nest's errors for modules that do not wire up (a provider missing from a module, a bad import). */
const WIRING_ERRORS = new Set([
  'UnknownDependenciesException',
  'UndefinedDependencyException',
  'UnknownElementException',
  'UnknownExportException',
  'UnknownModuleException',
  'UndefinedModuleException',
  'UndefinedForwardRefException',
  'InvalidModuleException',
  'InvalidClassException',
  'InvalidClassModuleException',
  'CircularDependencyException',
]);

/**
 * The application failed to start, so no command ran: the app's modules do not wire up, or a
 * connection failed (an unreachable database, wrong credentials). The message names which, and
 * where to look.
 */
export class StartupError extends AfterPartyError {
  constructor(cause: unknown) {
    const message = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0].trim().replace(/[.\s]+$/, '');
    const wiring = WIRING_ERRORS.has((cause as { constructor?: { name?: string } } | null)?.constructor?.name ?? '') || /^Nest (can't|cannot|could not) /.test(message);
    const fix = wiring
      ? "Fix the modules' providers, imports or exports it names (Nest's own message lists the usual causes)"
      : 'Check its configuration (database URL, credentials, network)';
    super(`The application could not start: ${message}. ${fix} and retry.`);
    this.cause = cause;
  }
}
