import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { USER_MODEL, type UserDocument } from './user.schema';
import { slugify, UsersService, type UserRecord } from './users.service';

@Injectable()
export class MongooseUsersService extends UsersService {
  constructor(@InjectModel(USER_MODEL) private readonly users: Model<UserDocument>) {
    super();
  }

  withoutSlug(afterId: number, limit: number): Promise<UserRecord[]> {
    return this.users.find({ slug: null, id: { $gt: afterId } }).sort({ id: 1 }).limit(limit).lean<UserRecord[]>().exec();
  }

  countWithoutSlug(afterId: number): Promise<number> {
    return this.users.countDocuments({ slug: null, id: { $gt: afterId } }).exec();
  }

  async setSlug(user: UserRecord): Promise<void> {
    await this.users.updateOne({ id: user.id }, { $set: { slug: slugify(user.name) } }).exec();
  }

  count(): Promise<number> {
    return this.users.countDocuments().exec();
  }

  async seedDemoUsers(names: string[]): Promise<number> {
    if ((await this.users.countDocuments().exec()) > 0) {
      return 0;
    }
    await this.users.insertMany(names.map((name, index) => ({ id: index + 1, name })));
    return names.length;
  }
}
