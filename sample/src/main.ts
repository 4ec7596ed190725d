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
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}

void bootstrap();
