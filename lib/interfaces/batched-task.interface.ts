import type { TaskContext } from './task-context.interface';

/**
 * A collection read as keyset pages: the items after a cursor, in key order, never by OFFSET,
 * so every page costs the same however deep into the collection it is. `typeormKeyset()` and
 * `mongooseKeyset()` make one for a repository, a query builder or a model; any other source
 * (an API, a file) can implement it.
 */
export interface KeysetCollection<TItem, TCursor = unknown> {
  /**
   * Up to `limit` items whose key is after `cursor` (from the start when `cursor` is
   * undefined), in ascending key order. Keys must be unique: the runner refuses a collection
   * that returns two items with the same key.
   */
  page(cursor: TCursor | undefined, limit: number): Promise<TItem[]>;
  /** The key of an item: where the next page starts after it. */
  cursorOf(item: TItem): TCursor;
  /**
   * How many items come after `after` (all of them when undefined), for progress and ETA;
   * optional, since counting can be slow. A resumed run counts what is left after its cursor
   * and adds what earlier runs did, so a collection that shrinks as it is processed (say,
   * `WHERE slug IS NULL`) shows the same total as one that does not.
   */
  count?(after?: TCursor): Promise<number>;
  /**
   * The items whose key is after `after` (from the start when undefined) and at most `last`, in
   * key order: one distributed batch, as its dispatcher cut it. Needed by `batch.distribute`.
   */
  range?(after: TCursor | undefined, last: TCursor): Promise<TItem[]>;
  /** Like `page`, but only the keys: what a distributed task's dispatcher reads. Falls back to `page`. */
  keys?(cursor: TCursor | undefined, limit: number): Promise<TCursor[]>;
  /**
   * Checks, before the first batch of every run (a resumed one too), that the collection can keep
   * the keyset contract: a key that is never NULL or missing, of one type, unique under the
   * database's own comparison (its collation). Throws an error whose one-line message names the
   * fix; the runner then records the task failed before any batch ran. `typeormKeyset` and
   * `mongooseKeyset` implement it with queries to the database.
   */
  verify?(): Promise<void>;
  /** The cursor as JSON for its checkpoint, when it is not plain JSON already (dates, ObjectIds). */
  encodeCursor?(cursor: TCursor): unknown;
  /** The cursor back from its checkpoint JSON. */
  decodeCursor?(json: unknown): TCursor;
}

/** What `processBatch(items, ctx)` receives. */
export interface BatchContext<TManager = unknown> extends Omit<TaskContext, 'checkpoint' | 'resumeFrom' | 'manager'> {
  /**
   * With `batch: { transaction: true }` on a SQL store: the TypeORM `EntityManager` of this
   * batch's transaction, in which the runner also writes the batch's checkpoint. Write the
   * batch's effects through it: the batch and its checkpoint commit together, exactly once.
   */
  readonly manager: TManager;
  /** This batch: its number (1-based over the whole task, resumes included) and the cursor it starts after. */
  readonly batch: { readonly number: number; readonly after: unknown };
}

/** What a throttle check answers: `false`/nothing to go on, `true` or a reason to back off. */
export type ThrottleDecision = boolean | string | null | undefined | void;

/**
 * A task the runner drives batch by batch: the author describes the collection and how to
 * process one batch; the runner owns the loop, the cursor, the checkpoints, the progress, the
 * throttling, pause, cancel and shutdown. Mark it with `@AfterPartyTask({ version, batch: {...} })`.
 *
 * ```ts
 * @AfterPartyTask({ version: '20261126094512', description: 'Backfill user slugs', batch: { size: 1000, transaction: true } })
 * export class BackfillUserSlugsTask implements BatchedTask<User> {
 *   constructor(@InjectRepository(User) private readonly users: Repository<User>) {}
 *
 *   collection() {
 *     return typeormKeyset(this.users.createQueryBuilder('user').where('user.slug IS NULL'), { key: 'id' });
 *   }
 *
 *   async processBatch(users: User[], ctx: BatchContext<EntityManager>) {
 *     await ctx.manager.save(users.map((user) => Object.assign(user, { slug: slugify(user.name) })));
 *   }
 * }
 * ```
 */
export interface BatchedTask<TItem = any, TCursor = any> {
  /** The collection to work through, as keyset pages. Called once per run. */
  collection(ctx: TaskContext): KeysetCollection<TItem, TCursor> | Promise<KeysetCollection<TItem, TCursor>>;
  /** Does one batch's work. Throw to fail the task: the cursor stays at the last committed batch. */
  processBatch(items: TItem[], ctx: BatchContext<any>): Promise<void> | void;
  /**
   * Asked before every batch: answer `true` or a reason to back off (the runner waits, doubling
   * the wait up to `batch.maxBackoff`, and asks again), `false` to go on. For example: PostgreSQL
   * replication lag above a threshold, or the app's own health signal.
   */
  throttle?(ctx: TaskContext): ThrottleDecision | Promise<ThrottleDecision>;
}
