import { AfterPartyTask, type DeployTask, type TaskContext } from 'after-party';
import { UsersService } from '../users/users.service';

const BATCH = 100;

@AfterPartyTask({ version: '20261126094512', description: 'Backfill user slugs' })
export class BackfillUserSlugsTask implements DeployTask {
  constructor(private readonly users: UsersService) {}

  async run(ctx: TaskContext): Promise<void> {
    let updated = 0;
    // Batches keep memory flat; checking the signal between them lets a deploy stop cleanly.
    for (let batch = await this.users.withoutSlug(BATCH); batch.length > 0 && !ctx.signal.aborted; batch = await this.users.withoutSlug(BATCH)) {
      for (const user of batch) {
        await this.users.setSlug(user);
      }
      updated += batch.length;
    }
    ctx.logger.log(`Gave ${updated} users a slug`);
  }
}
