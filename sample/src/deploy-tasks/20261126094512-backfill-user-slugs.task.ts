import { AfterPartyTask, type DeployTask, type TaskContext } from 'after-party';
import { UsersService } from '../users/users.service';

const BATCH = 100;

/** The cursor saved after each batch: where a cut-short run resumes. */
interface Cursor {
  afterId: number;
}

@AfterPartyTask({ version: '20261126094512', description: 'Backfill user slugs' })
export class BackfillUserSlugsTask implements DeployTask {
  constructor(private readonly users: UsersService) {}

  async run(ctx: TaskContext): Promise<void> {
    let afterId = (ctx.resumeFrom as Cursor | undefined)?.afterId ?? 0;
    ctx.progress.setTotal(await this.users.countWithoutSlug(afterId));
    // Batches keep memory flat; the signal lets a deploy stop cleanly between them, and the
    // checkpoint lets the next run pick up after the last finished batch.
    for (let batch = await this.users.withoutSlug(afterId, BATCH); batch.length > 0; batch = await this.users.withoutSlug(afterId, BATCH)) {
      if (ctx.signal.aborted) {
        return;
      }
      for (const user of batch) {
        await this.users.setSlug(user);
      }
      afterId = batch[batch.length - 1].id;
      ctx.progress.advance(batch.length);
      await ctx.checkpoint({ afterId } satisfies Cursor);
    }
    ctx.logger.log(`Slugs backfilled up to user ${afterId}`);
  }
}
