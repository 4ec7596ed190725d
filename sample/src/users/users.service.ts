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
  /** Users without a slug after `afterId`, at most `limit` of them, in id order. */
  abstract withoutSlug(afterId: number, limit: number): Promise<UserRecord[]>;
  abstract countWithoutSlug(afterId: number): Promise<number>;
  abstract setSlug(user: UserRecord): Promise<void>;
  abstract count(): Promise<number>;
  /** Adds the demo users when there are none. */
  abstract seedDemoUsers(names: string[]): Promise<number>;
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
