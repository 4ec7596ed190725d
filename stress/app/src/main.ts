import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { runAfterPartyCommand } from 'after-party';
import { StressAppModule } from './app.module';

/** Nest's console logger, uncoloured, with millisecond ISO timestamps so the stress script can order runners' events. */
class StressLogger extends ConsoleLogger {
  constructor() {
    super({ colors: false });
  }

  protected override getTimestamp(): string {
    return new Date().toISOString();
  }
}

async function bootstrap(): Promise<void> {
  if (await runAfterPartyCommand(StressAppModule, { logger: new StressLogger() })) {
    return;
  }
  process.stderr.write('stress app: give an after-party command, e.g. after-party:run\n');
  process.exitCode = 64;
}

void bootstrap();
