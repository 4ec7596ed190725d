import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterPartyModule } from 'after-party';
import { join } from 'node:path';
import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module';
import { CreateUsers1764150000000 } from './migrations/1764150000000-create-users';
import { AfterPartyRecords1764150000001 } from './migrations/1764150000001-after-party-records';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: process.env.SAMPLE_DATABASE ?? join(__dirname, '..', 'data', 'sample.sqlite'),
      autoLoadEntities: true,
      migrations: [CreateUsers1764150000000, AfterPartyRecords1764150000001],
    }),
    AfterPartyModule.forRoot({ store: 'typeorm' }),
    DeployTasksModule,
  ],
})
export class AppModule {}
