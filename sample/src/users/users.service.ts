import type { KeysetCollection } from 'after-party';

/** A user as the deploy tasks see it, whichever database holds it. */
export interface UserRecord {
  id: number;
  name: string;
}

/**
 * An ordinary application service: deploy tasks get it injected like any other provider.
 * The sample has a TypeORM and a Mongoose implementation, chosen by UsersModule.
 */
export abstract class UsersService {
  /** Users without a slug as keyset pages by id, for a batched task. */
  abstract withoutSlug(): KeysetCollection<UserRecord>;
  /**
   * Sets the slugs of `users`; through `manager` (a TypeORM EntityManager) when the batch
   * has a transaction, so the slugs commit with the batch's checkpoint.
   */
  abstract setSlugs(users: UserRecord[], manager?: unknown): Promise<void>;
  abstract count(): Promise<number>;
  /** Adds `names` as the first users, then generated ones up to `total`, when there are none. */
  abstract seedDemoUsers(names: string[], total: number): Promise<number>;
}

/** The names of the demo users: the given ones, then `User 4`, `User 5`... up to `total`. */
export function demoNames(names: string[], total: number): string[] {
  return Array.from({ length: Math.max(total, names.length) }, (_, index) => names[index] ?? `User ${index + 1}`);
}

/** `Édouard Lucas` → `edouard-lucas` */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
