import { ConsoleLogger } from '@nestjs/common';

/** Contexts whose info-level messages are Nest's bootstrap chatter, not command output. */
const BOOTSTRAP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'NestApplicationContext', 'RoutesResolver', 'RouterExplorer']);

/** The console logger of after-party commands: Nest's format, without bootstrap noise. */
export class AfterPartyCliLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && BOOTSTRAP_CONTEXTS.has(context)) {
      return;
    }
    super.log(message, ...rest);
  }
}
