import type { DynamicModule, Type } from '@nestjs/common';
import type { RunAfterPartyCommandOptions } from '../interfaces/after-party-options.interface';
import { AfterPartyCliLogger } from './after-party-cli.logger';
import { isAfterPartyCommandProcess } from './command-process';
import { onCommanderExit } from './commander-exit';
import { commandState } from './command-state';
import { loadNestCommander } from './load-nest-commander';
import { CommanderExitSignal, reportFailure } from './report-failure';
import { AfterPartyError } from '../errors/after-party.error';
import { StartupError } from '../errors/startup.error';

/**
 * Runs an `after-party:*` command when the process was started with one, e.g.
 * `node dist/main after-party:run`, and resolves `true` once it is done (with
 * `process.exitCode` set); resolves `false` otherwise, so `main.ts` goes on to start the app:
 *
 * ```ts
 * async function bootstrap() {
 *   if (await runAfterPartyCommand(AppModule)) return;
 *   const app = await NestFactory.create(AppModule);
 *   await app.listen(3000);
 * }
 * ```
 */
export async function runAfterPartyCommand(
  rootModule: Type<unknown> | DynamicModule,
  options: RunAfterPartyCommandOptions = {},
): Promise<boolean> {
  if (!isAfterPartyCommandProcess()) {
    return false;
  }
  let CommandFactory: ReturnType<typeof loadNestCommander>['CommandFactory'];
  try {
    // Loaded only here, so that starting the web app never pays for nest-commander.
    ({ CommandFactory } = loadNestCommander());
  } catch (error) {
    reportFailure(error);
    return true;
  }
  commandState.forceExit = false;
  try {
    await CommandFactory.run(rootModule as Type<unknown>, {
      logger: options.logger ?? new AfterPartyCliLogger(),
      // Bootstrap errors (invalid tasks, unreachable database) must reach us, not exit with 1.
      abortOnError: false,
      cliName: 'after-party',
      errorHandler: onCommanderExit,
      serviceErrorHandler: reportFailure,
      // commander would print its own "error: ..." line too; reportFailure prints ours.
      outputConfiguration: { outputError: () => undefined },
    });
  } catch (error) {
    // Errors that escape the command come from bootstrapping the application.
    reportFailure(error instanceof AfterPartyError || error instanceof CommanderExitSignal ? error : new StartupError(error));
    // A half-started application cannot be closed, and its open connections would keep the process alive.
    commandState.forceExit = true;
  }
  if (commandState.forceExit) {
    process.exit();
  }
  return true;
}
