import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1764150000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT, name varchar(120) NOT NULL, slug varchar(140))');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE users');
  }
}
