import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MongooseUsersService } from './mongoose-users.service';
import { TypeOrmUsersService } from './typeorm-users.service';
import { User } from './user.entity';
import { USER_MODEL, UserSchema } from './user.schema';
import { UsersService } from './users.service';

@Module({})
export class UsersModule {
  /** Users on the database the sample runs on: TypeORM (SQLite) or Mongoose (MongoDB). */
  static register(database: 'typeorm' | 'mongoose'): DynamicModule {
    const [feature, implementation] =
      database === 'typeorm'
        ? [TypeOrmModule.forFeature([User]), TypeOrmUsersService]
        : [MongooseModule.forFeature([{ name: USER_MODEL, schema: UserSchema }]), MongooseUsersService];
    return {
      module: UsersModule,
      imports: [feature],
      providers: [{ provide: UsersService, useClass: implementation }],
      exports: [UsersService],
    };
  }
}
