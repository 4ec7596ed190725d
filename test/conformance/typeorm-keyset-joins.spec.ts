import { Test } from '@nestjs/testing';
import { EntitySchema } from 'typeorm';
import { AfterPartyTask } from '../../lib';
import { typeormKeyset } from '../../lib/batch/typeorm-keyset';
import type { BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { TaskRunRecord } from '../../lib/interfaces/run-record.interface';
import { AfterPartyTester, AfterPartyTestingModule } from '../../lib/testing';
import { dropTestTables } from '../support/drop-tables';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable } from '../support/stores';

interface Author {
  id: number;
  name: string;
  posts?: Post[];
}
interface Post {
  id: number;
  authorId: number;
  author?: Author;
}

/** Runs a collection as a batched task through the real runner; what it processed, in order. */
async function runBatched<T>(collection: KeysetCollection<T, unknown>, size: number): Promise<{ record: TaskRunRecord; processed: T[] }> {
  const processed: T[] = [];
  @AfterPartyTask({ version: '20260101000001', batch: { size } })
  class JoinedTask implements BatchedTask<T> {
    collection(): KeysetCollection<T, unknown> {
      return collection;
    }
    processBatch(items: T[]): void {
      processed.push(...items);
    }
  }
  const moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [JoinedTask] }).compile();
  await moduleRef.init();
  try {
    return { record: await moduleRef.get(AfterPartyTester).run(JoinedTask), processed };
  } finally {
    await moduleRef.close();
  }
}

describeEachStore(
  'typeormKeyset over a join that gives an item several rows',
  (target) => {
    let harness: StoreHarness;
    const table = uniqueTable('kj');
    const [authors, posts] = [`${table}_a`, `${table}_p`];
    const AuthorEntity = new EntitySchema<Author>({
      name: `Author_${table}`,
      tableName: authors,
      // `name` is unique in the data, not declared so: verify() counts it over the joined rows.
      columns: { id: { type: Number, primary: true }, name: { type: String } },
      relations: { posts: { type: 'one-to-many', target: `Post_${table}`, inverseSide: 'author' } },
    });
    const PostEntity = new EntitySchema<Post>({
      name: `Post_${table}`,
      tableName: posts,
      columns: { id: { type: Number, primary: true }, authorId: { type: Number, name: 'author_id' } },
      relations: { author: { type: 'many-to-one', target: `Author_${table}`, joinColumn: { name: 'author_id' }, inverseSide: 'posts' } },
    });
    const joined = () => harness.dataSource!.getRepository(AuthorEntity).createQueryBuilder('author').leftJoinAndSelect('author.posts', 'post');

    beforeAll(async () => {
      harness = await openHarness(target, { entities: [AuthorEntity, PostEntity] });
      await harness.sql!(`CREATE TABLE ${authors} (id integer PRIMARY KEY, name varchar(20) NOT NULL)`);
      await harness.sql!(`CREATE TABLE ${posts} (id integer PRIMARY KEY, author_id integer NOT NULL)`);
      // Seven authors with three posts each, but author 4, who has none.
      await harness.sql!(`INSERT INTO ${authors} VALUES ${[1, 2, 3, 4, 5, 6, 7].map((id) => `(${id}, 'author ${id}')`).join(', ')}`);
      const rows = [1, 2, 3, 5, 6, 7].flatMap((author) => [1, 2, 3].map((post) => `(${author * 10 + post}, ${author})`));
      await harness.sql!(`INSERT INTO ${posts} VALUES ${rows.join(', ')}`);
    });

    afterAll(async () => {
      await dropTestTables(target, posts);
      await dropTestTables(target, authors);
      await harness?.close();
    });

    it('processes every entity once, with all its joined rows, however many rows a page takes (it completed after the first page)', async () => {
      const { record, processed } = await runBatched(typeormKeyset(joined(), { key: 'id' }), 2);

      expect(record.status).toBe('completed');
      expect(processed.map((author) => [author.id, author.posts?.length])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
        [4, 0],
        [5, 3],
        [6, 3],
        [7, 3],
      ]);
    });

    it('keys a unique column the metadata does not declare unique without calling the joined rows repeats', async () => {
      const { record, processed } = await runBatched(typeormKeyset(joined(), { key: 'name' }), 3);

      expect({ status: record.status, error: record.error }).toEqual({ status: 'completed', error: null });
      expect(processed.map((author) => author.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('plain: one row per item, and keys() one key per item', async () => {
      const collection = typeormKeyset(joined().where('post.id IS NOT NULL OR author.id = :lonely', { lonely: 4 }), { key: 'id', plain: true });
      const { record, processed } = await runBatched(collection, 2);

      expect(record.status).toBe('completed');
      expect(processed.map((author) => author.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(await collection.keys!(2, 3)).toEqual([3, 4, 5]);
      expect(await collection.count!()).toBe(7);
    });
  },
  (target) => target.sql,
);
