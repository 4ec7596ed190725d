import { AfterPartyTask, type DeployTask, type TaskContext } from 'after-party';
import { UsersService } from '../users/users.service';

@AfterPartyTask({ version: '20261126101500', name: 'report-user-count', description: 'Report the user count after each deploy', everyDeploy: true })
export class ReportUserCountTask implements DeployTask {
  constructor(private readonly users: UsersService) {}

  async run(ctx: TaskContext): Promise<void> {
    ctx.logger.log(`${await this.users.count()} users after deploy ${ctx.deployId ?? '(no deploy id)'}`);
  }
}
