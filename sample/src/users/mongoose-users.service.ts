import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { KeysetCollection } from 'after-party';
import { mongooseKeyset } from 'after-party/mongoose';
import type { Model } from 'mongoose';
import { USER_MODEL, type UserDocument } from './user.schema';
import { demoNames, slugify, UsersService, type UserRecord } from './users.service';

@Injectable()
export class MongooseUsersService extends UsersService {
  constructor(@InjectModel(USER_MODEL) private readonly users: Model<UserDocument>) {
    super();
  }

  withoutSlug(): KeysetCollection<UserRecord> {
    // Paged by _id, MongoDB's own unique key.
    return mongooseKeyset(this.users, { filter: { slug: null }, projection: { _id: 1, id: 1, name: 1 } });
  }

  async setSlugs(users: UserRecord[]): Promise<void> {
    for (const user of users as Array<UserRecord & { _id: unknown }>) {
      await this.users.updateOne({ _id: user._id }, { $set: { slug: slugify(user.name) } }).exec();
    }
  }

  count(): Promise<number> {
    return this.users.countDocuments().exec();
  }

  async seedDemoUsers(names: string[], total: number): Promise<number> {
    if ((await this.users.countDocuments().exec()) > 0) {
      return 0;
    }
    const all = demoNames(names, total);
    for (let start = 0; start < all.length; start += 1000) {
      await this.users.insertMany(all.slice(start, start + 1000).map((name, index) => ({ id: start + index + 1, name })));
    }
    return all.length;
  }
}
