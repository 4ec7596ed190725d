import { StartupError } from '../../lib/errors/startup.error';

class UnknownDependenciesException extends Error {}

describe('StartupError', () => {
  it('points at the module wiring when Nest cannot resolve a dependency, on one line without a doubled full stop', () => {
    const cause = new UnknownDependenciesException(
      'Nest can\'t resolve dependencies of the BackfillTask (?). Please make sure that the argument "UserRepository" at index [0] is available in the DeployTasksModule module.\n\nPotential solutions:\n- ...',
    );
    expect(new StartupError(cause).message).toBe(
      'The application could not start: Nest can\'t resolve dependencies of the BackfillTask (?). Please make sure that the argument "UserRepository" at index [0] is available in the DeployTasksModule module. ' +
        "Fix the modules' providers, imports or exports it names (Nest's own message lists the usual causes) and retry.",
    );
  });

  it('points at the configuration when a connection fails', () => {
    const message = new StartupError(new Error('connect ECONNREFUSED 127.0.0.1:5999')).message;
    expect(message).toBe('The application could not start: connect ECONNREFUSED 127.0.0.1:5999. Check its configuration (database URL, credentials, network) and retry.');
  });

  it('keeps what was thrown when it is not an Error', () => {
    expect(new StartupError('password authentication failed.').message).toMatch(/^The application could not start: password authentication failed\. Check its configuration/);
  });
});
