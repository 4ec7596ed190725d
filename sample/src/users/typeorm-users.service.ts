import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { KeysetCollection } from 'after-party';
import { typeormKeyset } from 'after-party/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { User } from './user.entity';
import { demoNames, slugify, UsersService, type UserRecord } from './users.service';

@Injectable()
export class TypeOrmUsersService extends UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {
    super();
  }

  withoutSlug(): KeysetCollection<UserRecord> {
    return typeormKeyset(this.users.createQueryBuilder('user').where('user.slug IS NULL'), { key: 'id', plain: true });
  }

  async setSlugs(users: UserRecord[], manager?: unknown): Promise<void> {
    const repository = manager ? (manager as EntityManager).getRepository(User) : this.users;
    for (const user of users) {
      await repository.update(user.id, { slug: slugify(user.name) });
    }
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async seedDemoUsers(names: string[], total: number): Promise<number> {
    if ((await this.users.count()) > 0) {
      return 0;
    }
    const all = demoNames(names, total);
    for (let start = 0; start < all.length; start += 500) {
      await this.users.insert(all.slice(start, start + 500).map((name) => ({ name })));
    }
    return all.length;
  }
}
