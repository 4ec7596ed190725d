import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterPartyModule } from 'after-party';
import { join } from 'node:path';
import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module';
import { CreateUsers1764150000000 } from './migrations/1764150000000-create-users';
import { AfterPartyRecords1764150000001 } from './migrations/1764150000001-after-party-records';

// The sample runs on an SQLite file; with SAMPLE_MONGO_URL set it runs on MongoDB instead.
const mongoUrl = process.env.SAMPLE_MONGO_URL;
const store = mongoUrl ? 'mongoose' : 'typeorm';

function database(): DynamicModule {
  return mongoUrl
    ? MongooseModule.forRoot(mongoUrl, { serverSelectionTimeoutMS: 5000 })
    : TypeOrmModule.forRoot({
        type: 'better-sqlite3',
        database: process.env.SAMPLE_DATABASE ?? join(__dirname, '..', 'data', 'sample.sqlite'),
        autoLoadEntities: true,
        migrations: [CreateUsers1764150000000, AfterPartyRecords1764150000001],
      });
}

@Module({
  imports: [
    database(),
    AfterPartyModule.forRoot({
      store,
      // Used only when a task is distributed (`npm run sample:workers`): BullMQ on the local Redis,
      // under BullMQ's own key prefix unless SAMPLE_BULL_PREFIX gives one (two samples on one Redis).
      distribution: {
        connection: { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) },
        prefix: process.env.SAMPLE_BULL_PREFIX,
      },
    }),
    DeployTasksModule.register(store),
  ],
})
export class AppModule {}
