import { createRequire } from 'node:module';
import { Logger, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CommanderOptionsType } from 'nest-commander';
import type { RunAfterPartyCommandOptions } from '../interfaces/after-party-options.interface';
import { AfterPartyCliLogger } from '../cli/after-party-cli.logger';
import { isAfterPartyCommandProcess } from '../cli/command-process';
import { onCommanderExit } from '../cli/commander-exit';
import { commandState } from '../cli/command-state';
import { loadNestCommander } from '../cli/load-nest-commander';
import { KnownCommands } from '../cli/known-commands';
import { reportFailure } from '../cli/report-failure';
import { AfterPartyError } from '../errors/after-party.error';
import { StartupError } from '../errors/startup.error';
import { InvalidOptionsError } from '../errors/invalid-options.error';

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
export async function runAfterPartyCommand(rootModule: Type<unknown> | DynamicModule, options: RunAfterPartyCommandOptions = {}): Promise<boolean> {
  if (!isAfterPartyCommandProcess()) {
    return false;
  }
  let nestCommander: ReturnType<typeof loadNestCommander>;
  try {
    // Loaded only here, so that starting the web app never pays for nest-commander.
    nestCommander = loadNestCommander();
  } catch (error) {
    reportFailure(error);
    return true;
  }
  commandState.forceExit = false;
  if (asksForUsageOnly(process.argv)) {
    // Help, or a name that is no command: commander answers from the commands' declarations alone.
    await runCommand((type) => Object.create(type.prototype as object) as object, nestCommander).catch(reportFailure);
    return true;
  }
  let app: INestApplicationContext;
  try {
    // Bootstrap errors (invalid tasks, unreachable database) must reach us, not exit with 1.
    app = await NestFactory.createApplicationContext(rootModule, {
      logger: options.logger ?? new AfterPartyCliLogger(),
      abortOnError: false,
    });
  } catch (error) {
    // Errors that escape here come from bootstrapping the application.
    reportFailure(error instanceof AfterPartyError ? error : new StartupError(error));
    // A half-started application cannot be closed, and its open connections would keep the process alive.
    process.exit();
  }
  try {
    await runCommand((type) => commandInstance(app, type), nestCommander);
  } catch (error) {
    // The command reports its own failures; what reaches here is nest-commander failing to build it.
    reportFailure(error);
  } finally {
    // A shutdown hook that throws is reported in one line, like any failure of the command.
    await app.close().catch(reportFailure);
  }
  if (commandState.forceExit) {
    process.exit();
  }
  return true;
}

/**
 * Runs the process's command through nest-commander's runner, told which command providers
 * there are rather than searching the app's providers for them (see {@link KnownCommands}).
 */
async function runCommand(instanceOf: (type: Type) => object, nestCommander: ReturnType<typeof loadNestCommander>): Promise<void> {
  const { commandClassesFor } = require('./index') as typeof import('./index');
  const commands = commandClassesFor(process.argv[2]).map((type) => ({ type, instance: instanceOf(type) }));
  // The commander nest-commander itself builds its commands with.
  const { Command } = createRequire(require.resolve('nest-commander'))('commander') as typeof import('commander');
  const runnerOptions: CommanderOptionsType = {
    errorHandler: onCommanderExit,
    serviceErrorHandler: reportFailure,
    // commander would print its own "error: ..." line too; reportFailure prints ours.
    outputConfiguration: { outputError: () => undefined },
  };
  const runner = new nestCommander.CommandRunnerService(new KnownCommands(commands) as never, new Command(), runnerOptions, new Logger('after-party'));
  await runner.onModuleInit();
  await runner.run();
}

/** The app's instance of an after-party command provider, which AfterPartyModule registers. */
function commandInstance(app: INestApplicationContext, type: Type): object {
  try {
    return app.get<object>(type, { strict: false });
  } catch {
    throw new InvalidOptionsError(
      'The module given to runAfterPartyCommand() does not import AfterPartyModule. Import AfterPartyModule.forRoot({ store }) in it (or in a module it imports), next to the database module.',
    );
  }
}

/**
 * Whether the command line asks only for usage: `--help` (`-h`), or a name that is no command
 * (a typo, a bare `after-party`), which ends in a usage error listing the commands. Neither
 * needs the app, so neither waits for its database.
 */
function asksForUsageOnly(argv: string[]): boolean {
  const { isCommandName } = require('./index') as typeof import('./index');
  const flags = argv.slice(3);
  const end = flags.indexOf('--');
  return !isCommandName(argv[2]) || (end === -1 ? flags : flags.slice(0, end)).some((flag) => flag === '--help' || flag === '-h');
}
