import { AfterPartyTask, type DeployTask, type TaskContext } from 'after-party';
import { UsersService } from '../users/users.service';

/** How many demo users: enough for the backfill's progress bar to move. */
const DEMO_USERS = Number(process.env.SAMPLE_USERS ?? 20_000);

/** Demo data for the sample: a real app would import it from somewhere. */
@AfterPartyTask({ version: '20261126090000', name: 'seed-demo-users', description: 'Seed demo users' })
export class SeedDemoUsersTask implements DeployTask {
  constructor(private readonly users: UsersService) {}

  async run(ctx: TaskContext): Promise<void> {
    const added = await this.users.seedDemoUsers(['Ada Lovelace', 'Grace Hopper', 'Édouard Lucas'], DEMO_USERS);
    ctx.logger.log(added > 0 ? `Added ${added} demo users` : 'Users exist already: nothing to seed');
  }
}
