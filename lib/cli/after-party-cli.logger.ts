import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Contexts whose info-level messages are Nest's bootstrap chatter, not command output. */
const BOOTSTRAP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'NestApplicationContext', 'RoutesResolver', 'RouterExplorer']);

/**
 * Whether log lines written to `stream` are coloured: only on a terminal, and never with
 * `NO_COLOR` set (a deploy hook's log redirected to a file stays free of escape codes).
 */
export function colourLogs(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/**
 * The console logger of after-party commands: Nest's format without bootstrap noise, coloured
 * only on a terminal. With `--json` every line goes to stderr, so stdout carries the JSON
 * document alone.
 */
export class AfterPartyCliLogger extends ConsoleLogger {
  constructor(private readonly logsToStderr = process.argv.includes('--json')) {
    super({ colors: colourLogs(logsToStderr ? process.stderr : process.stdout) });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && BOOTSTRAP_CONTEXTS.has(context)) {
      return;
    }
    super.log(message, ...rest);
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, this.logsToStderr ? 'stderr' : writeStreamType, errorStack);
  }
}
