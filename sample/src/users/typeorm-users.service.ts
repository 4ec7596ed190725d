import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { User } from './user.entity';
import { slugify, UsersService, type UserRecord } from './users.service';

@Injectable()
export class TypeOrmUsersService extends UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {
    super();
  }

  withoutSlug(afterId: number, limit: number): Promise<UserRecord[]> {
    return this.users.find({ where: { slug: IsNull(), id: MoreThan(afterId) }, order: { id: 'ASC' }, take: limit });
  }

  countWithoutSlug(afterId: number): Promise<number> {
    return this.users.count({ where: { slug: IsNull(), id: MoreThan(afterId) } });
  }

  async setSlug(user: UserRecord): Promise<void> {
    await this.users.update(user.id, { slug: slugify(user.name) });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async seedDemoUsers(names: string[]): Promise<number> {
    if ((await this.users.count()) > 0) {
      return 0;
    }
    await this.users.insert(names.map((name) => ({ name })));
    return names.length;
  }
}
