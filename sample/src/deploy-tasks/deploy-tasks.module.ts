import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task';
import { ReportUserCountTask } from './20261126101500-report-user-count.task';

@Module({
  imports: [UsersModule],
  providers: [BackfillUserSlugsTask, ReportUserCountTask],
})
export class DeployTasksModule {}
