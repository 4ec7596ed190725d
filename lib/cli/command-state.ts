/**
 * Process-wide state of the after-party command being run (one per process). A run that
 * abandoned a task which ignored its abort signal must end the process once it is done.
 */
export const commandState = { forceExit: false };
