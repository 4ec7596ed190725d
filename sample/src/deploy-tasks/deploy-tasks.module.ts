import { DynamicModule, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { SeedDemoUsersTask } from './20261126090000-seed-demo-users.task';
import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task';
import { ReportUserCountTask } from './20261126101500-report-user-count.task';

@Module({})
export class DeployTasksModule {
  static register(database: 'typeorm' | 'mongoose'): DynamicModule {
    return {
      module: DeployTasksModule,
      imports: [UsersModule.register(database)],
      providers: [SeedDemoUsersTask, BackfillUserSlugsTask, ReportUserCountTask],
    };
  }
}
