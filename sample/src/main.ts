import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runAfterPartyCommand } from 'after-party';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  mkdirSync(join(__dirname, '..', 'data'), { recursive: true });
  // `node dist/main after-party:run` runs the deploy tasks and returns; anything else starts the app.
  if (await runAfterPartyCommand(AppModule)) {
    return;
  }
  if (process.argv[2] === 'worker') {
    // A worker process of the app (`npm run sample:workers` starts three): with AFTER_PARTY_WORKERS=1
    // it takes the batches of distributed tasks from their BullMQ queues until SIGTERM.
    const worker = await NestFactory.createApplicationContext(AppModule);
    worker.enableShutdownHooks();
    return;
  }
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}

void bootstrap();
