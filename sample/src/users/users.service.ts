import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { User } from './user.entity';

/** An ordinary application service: deploy tasks get it injected like any other provider. */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Users without a slug after `afterId`, at most `limit` of them, in id order. */
  withoutSlug(afterId: number, limit: number): Promise<User[]> {
    return this.users.find({ where: { slug: IsNull(), id: MoreThan(afterId) }, order: { id: 'ASC' }, take: limit });
  }

  countWithoutSlug(afterId: number): Promise<number> {
    return this.users.count({ where: { slug: IsNull(), id: MoreThan(afterId) } });
  }

  async setSlug(user: User): Promise<void> {
    await this.users.update(user.id, { slug: slugify(user.name) });
  }

  count(): Promise<number> {
    return this.users.count();
  }
}

function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
