import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Connection } from 'mongoose';
import type { DataSource } from 'typeorm';

/** Writes one effect row per task execution into the database the app uses. */
export abstract class EffectsWriter {
  abstract record(version: string): Promise<void>;
}

const effectsTable = (): string => {
  const name = process.env.STRESS_EFFECTS ?? '';
  if (!/^stress_effects_[a-z0-9_]+$/.test(name)) {
    throw new Error(`STRESS_EFFECTS must be a stress_effects_* table name, got "${name}"`);
  }
  return name;
};

/** SQL stores: `INSERT INTO stress_effects_<id> (version, pid)` through the app's DataSource. */
@Injectable()
export class SqlEffectsWriter extends EffectsWriter {
  private readonly table = effectsTable();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async record(version: string): Promise<void> {
    const placeholders = this.dataSource.options.type === 'postgres' ? '$1, $2' : '?, ?';
    await this.dataSource.query(`INSERT INTO ${this.table} (version, pid) VALUES (${placeholders})`, [version, process.pid]);
  }
}

/** MongoDB: one document `{ version, pid }` in the stress_effects_<id> collection through the app's connection. */
@Injectable()
export class MongoEffectsWriter extends EffectsWriter {
  private readonly collection = effectsTable();

  constructor(@InjectConnection() private readonly connection: Connection) {
    super();
  }

  async record(version: string): Promise<void> {
    await this.connection.collection(this.collection).insertOne({ version, pid: process.pid });
  }
}
