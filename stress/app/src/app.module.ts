import { Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterPartyModule } from 'after-party';
import { EffectsWriter, MongoEffectsWriter, SqlEffectsWriter } from './effects';
import { stressTasks } from './tasks';

const db = process.env.STRESS_DB ?? 'sqlite';
const url = process.env.STRESS_DB_URL;
const table = process.env.STRESS_TABLE ?? 'stress_after_party_runs';
const taskCount = Number(process.env.STRESS_TASKS ?? 50);

function databaseModule(): DynamicModule {
  if (db === 'mongo') {
    return MongooseModule.forRoot(url ?? 'mongodb://127.0.0.1:27017/after_party_test', { serverSelectionTimeoutMS: 5000 });
  }
  if (db === 'sqlite') {
    return TypeOrmModule.forRoot({ type: 'better-sqlite3', database: url ?? 'stress.sqlite', retryAttempts: 1, retryDelay: 100 });
  }
  if (db === 'postgres' || db === 'mysql') {
    return TypeOrmModule.forRoot({ type: db, url, connectTimeout: 5000, retryAttempts: 1, retryDelay: 100 });
  }
  throw new Error(`STRESS_DB must be sqlite, postgres, mysql or mongo, got "${db}"`);
}

/** Logs "ready" once the application context is up, just before the command asks for the lock. */
class ReadyLog implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('Stress').log('ready');
  }
}

@Module({
  providers: [{ provide: EffectsWriter, useClass: db === 'mongo' ? MongoEffectsWriter : SqlEffectsWriter }, ...stressTasks(taskCount)],
})
class StressTasksModule {}

@Module({
  imports: [databaseModule(), AfterPartyModule.forRoot({ store: db === 'mongo' ? 'mongoose' : 'typeorm', tableName: table }), StressTasksModule],
  providers: [ReadyLog],
})
export class StressAppModule {}
