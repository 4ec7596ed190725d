import { AfterPartyTask, type BatchContext, type BatchedTask } from 'after-party';
import { UsersService, type UserRecord } from '../users/users.service';

/**
 * A batched task: it says which users to work through and how to process one batch; the runner
 * drives the loop, checkpoints the cursor after every batch, shows progress, and honours
 * after-party:pause, after-party:cancel, --max-duration and shutdown between batches.
 * With SAMPLE_DISTRIBUTE=1 (`npm run sample:workers`) the same task fans its batches out to the
 * app's worker processes on BullMQ: one option, no other change.
 */
@AfterPartyTask({
  version: '20261126094512',
  name: 'backfill-user-slugs',
  description: 'Backfill user slugs',
  // On SQL, each batch commits with its checkpoint (exactly once); MongoDB has no such transaction here.
  batch: { size: 500, transaction: !process.env.SAMPLE_MONGO_URL, pause: 25, distribute: process.env.SAMPLE_DISTRIBUTE === '1' },
})
export class BackfillUserSlugsTask implements BatchedTask<UserRecord> {
  constructor(private readonly users: UsersService) {}

  collection() {
    return this.users.withoutSlug();
  }

  async processBatch(users: UserRecord[], ctx: BatchContext): Promise<void> {
    await this.users.setSlugs(users, ctx.manager);
  }
}
