import fc from 'fast-check';
import { Brackets, EntitySchema, type DataSource, type ObjectLiteral, type Repository, type SelectQueryBuilder } from 'typeorm';
import { typeormKeyset } from '../../lib/batch/typeorm-keyset';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { uniqueTable, type StoreTarget } from '../support/stores';
import { runCase, type Expectation } from './run-collection';
import { PG_CI_COLLATION, sqlKinds, type KeyValue, type SqlDb, type SqlKind } from './sql-kinds';

/** One row of a generated table. `rid` is the row's identity, apart from the key. */
export interface SqlRow {
  rid: number;
  grp: number;
  flag: number;
  pid: number;
  k1: KeyValue | null;
  k2: number | null;
}

/** The caller's query: a repository, or a query builder with OR, orWhere, IN with named parameters, or a join. */
export type SqlShape =
  | { type: 'repository' }
  | { type: 'or'; grp: number; flag: number }
  | { type: 'orWhere'; grp: number; flag: number }
  | { type: 'in'; groups: number[]; flag: number; pid: number }
  | { type: 'join'; kind: 'x' | 'y'; flag: number }
  | { type: 'brackets'; grp: number; flag: number }
  | { type: 'ordered'; grp: number }
  | { type: 'not-null'; flag: number };

/** Something done to the table after a batch: delete a row not yet processed, or insert one. */
export type SqlChange =
  | { after: number; op: 'delete'; pick: number }
  | {
      after: number;
      op: 'insert';
      k1: KeyValue;
      k2: number;
      grp: number;
      flag: number;
      pid: number;
    };

/** The key the collection pages by. */
export type SqlKey = 'k1' | 'k1,rid' | 'k1,k2';

/** One generated case: a table, a query, a key, how the run pages it and what happens meanwhile. Plain JSON. */
export interface SqlCase {
  key: SqlKey;
  rows: SqlRow[];
  shape: SqlShape;
  plain: boolean;
  size: number;
  pauseAfter: number[];
  changes: SqlChange[];
  /** Run as a distributed task (keys, then ranges in `order`) instead of the batch loop; no changes meanwhile. */
  distributed?: { order: number };
}

/** The key columns' names in the table: not their property names. */
const K1 = 'key_one';
const K2 = 'key_two';

interface Item extends ObjectLiteral {
  rid: number;
}

/** Approximately equal values (case, accents, trailing spaces) count as one when a table of unique values is generated. */
function roughly(value: KeyValue): string {
  return typeof value === 'number' ? String(value) : value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ +$/, '').replace(/ß/g, 's');
}

/** Cases for one kind: mostly data that keeps the contract, some with NULLs and duplicates (as the database compares). */
export function sqlCases(kind: SqlKind): fc.Arbitrary<SqlCase> {
  const small = fc.integer({ min: 0, max: 3 });
  return fc
    .record({
      values: fc.uniqueArray(kind.value, { maxLength: 45, selector: roughly, size: 'medium' }),
      // 0-5: as generated; 6-7: repeated values (exact or a case/accent variant); 8: NULLs; 9: both.
      trouble: fc.integer({ min: 0, max: 9 }),
      repeats: fc.array(fc.tuple(fc.nat(), fc.nat()), {
        minLength: 1,
        maxLength: 3,
      }),
      nulls: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
      extra: fc.array(
        fc.record({
          grp: small,
          flag: fc.integer({ min: 0, max: 1 }),
          pid: small,
          k2: fc.integer({ min: 0, max: 2 }),
        }),
        { minLength: 60, maxLength: 60 },
      ),
      key: fc.constantFrom<SqlKey>('k1', 'k1', 'k1,rid', 'k1,k2'),
      shape: fc.oneof(
        fc.constant<SqlShape>({ type: 'repository' }),
        fc.record({
          type: fc.constant('or' as const),
          grp: small,
          flag: fc.integer({ min: 0, max: 1 }),
        }),
        fc.record({
          type: fc.constant('orWhere' as const),
          grp: small,
          flag: fc.integer({ min: 0, max: 1 }),
        }),
        fc.record({
          type: fc.constant('in' as const),
          groups: fc.uniqueArray(small, { minLength: 1, maxLength: 3 }),
          flag: fc.integer({ min: 0, max: 1 }),
          pid: small,
        }),
        fc.record({
          type: fc.constant('join' as const),
          kind: fc.constantFrom<'x' | 'y'>('x', 'y'),
          flag: fc.integer({ min: 0, max: 1 }),
        }),
        fc.record({ type: fc.constant('brackets' as const), grp: small, flag: fc.integer({ min: 0, max: 1 }) }),
        fc.record({ type: fc.constant('ordered' as const), grp: small }),
        fc.record({ type: fc.constant('not-null' as const), flag: fc.integer({ min: 0, max: 1 }) }),
      ),
      // One case in four runs as a distributed task.
      distributed: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.record({ order: fc.nat(100) }), weight: 1 }),
      plain: fc.boolean(),
      size: fc.integer({ min: 1, max: 7 }),
      pauseAfter: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), {
        maxLength: 3,
      }),
      changes: fc.array(
        fc.oneof(
          fc.record({
            after: fc.integer({ min: 1, max: 10 }),
            op: fc.constant('delete' as const),
            pick: fc.nat(),
          }),
          fc.record({
            after: fc.integer({ min: 1, max: 10 }),
            op: fc.constant('insert' as const),
            k1: kind.value,
            k2: fc.integer({ min: 0, max: 2 }),
            grp: small,
            flag: fc.integer({ min: 0, max: 1 }),
            pid: small,
          }),
        ),
        { maxLength: 4 },
      ),
    })
    .map(({ values, trouble, repeats, nulls, extra, key, shape, plain, size, pauseAfter, changes, distributed }) => {
      const keys: Array<KeyValue | null> = [...values];
      if ((trouble === 6 || trouble === 7 || trouble === 9) && values.length > 0) {
        for (const [from, to] of repeats) {
          const value = values[from % values.length];
          // A variant equal under a case- and accent-insensitive collation, or the same value.
          const variant = typeof value === 'string' && trouble === 7 ? caseVariant(value) : value;
          keys.splice(to % (keys.length + 1), 0, variant);
        }
      }
      if (trouble >= 8) {
        for (const at of nulls) {
          keys.splice(at % (keys.length + 1), 0, null);
        }
      }
      const rows: SqlRow[] = keys.slice(0, 60).map((k1, index) => ({
        rid: index + 1,
        ...extra[index],
        k1,
        k2: key === 'k1,k2' && trouble >= 8 && index === 0 ? null : extra[index].k2,
      }));
      return {
        key,
        rows,
        shape,
        plain,
        size,
        pauseAfter,
        changes,
        ...(distributed ? { distributed } : {}),
      } satisfies SqlCase;
    });
}

function caseVariant(value: string): string {
  if (/^[0-9a-f-]{36}$/.test(value)) {
    // A uuid in capitals: the same uuid to PostgreSQL and to a case-insensitive collation, the same bytes through the transformer.
    return value.toUpperCase();
  }
  const swapped = value.replace(/[a-zA-Zé]/, (letter) =>
    letter === 'é' ? 'E' : letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase(),
  );
  return swapped === value ? `${value} ` : swapped;
}

/** The tables of one SQL store, one per key kind, and how to run a case on them. */
export class SqlPropertyEnvironment {
  readonly db: SqlDb;
  readonly kinds: SqlKind[];
  private harness!: StoreHarness;
  private readonly tables = new Map<string, { table: string; entity: EntitySchema<Item> }>();
  private readonly parents: string;
  private readonly Parent: EntitySchema<{ id: number; kind: string }>;
  /** Whether PostgreSQL has ICU, for the nondeterministic collation. */
  icu = false;

  constructor(
    private readonly target: StoreTarget,
    kindFilter: (kind: SqlKind) => boolean = () => true,
  ) {
    this.db = target.db as SqlDb;
    this.kinds = sqlKinds(this.db, { icu: true }).filter(kindFilter);
    const base = uniqueTable('prop');
    this.parents = `${base}_p`;
    this.Parent = new EntitySchema({
      name: `Parent_${base}`,
      tableName: this.parents,
      columns: {
        id: { type: 'int', primary: true },
        kind: { type: 'varchar', length: 5 },
      },
    });
    this.kinds.forEach((kind, index) => {
      const table = `${base}_${index}`;
      const entity = new EntitySchema<Item>({
        name: `Prop_${table}`,
        tableName: table,
        columns: {
          rid: { type: 'int', primary: true },
          grp: { type: 'int' },
          flag: { type: 'int' },
          pid: { type: 'int' },
          // Columns named apart from their properties, as many schemas have them.
          k1: { ...kind.column, name: K1 },
          k2: { type: 'int', nullable: true, name: K2 },
        },
      });
      this.tables.set(kind.name, { table, entity });
    });
  }

  async setUp(): Promise<void> {
    this.harness = await openHarness(this.target, {
      entities: [this.Parent, ...[...this.tables.values()].map(({ entity }) => entity)],
    });
    if (this.db === 'postgres') {
      const [{ n }] = await this.sql(`SELECT count(*)::int AS n FROM pg_collation WHERE collprovider = 'i'`);
      this.icu = n > 0;
      if (this.icu) {
        await this.sql(`CREATE COLLATION IF NOT EXISTS ${PG_CI_COLLATION} (provider = icu, locale = 'und-u-ks-level1', deterministic = false)`).catch(
          () => undefined,
        );
      }
    }
    await this.sql(`CREATE TABLE ${this.parents} (id integer PRIMARY KEY, kind varchar(5) NOT NULL)`);
    await this.sql(`INSERT INTO ${this.parents} (id, kind) VALUES (0, 'x'), (1, 'y'), (2, 'x'), (3, 'y')`);
    for (const kind of this.kinds) {
      if (!this.available(kind)) {
        continue;
      }
      await this.sql(
        `CREATE TABLE ${this.tables.get(kind.name)!.table} (rid integer PRIMARY KEY, grp integer NOT NULL, flag integer NOT NULL, pid integer NOT NULL, ${K1} ${kind.ddl}, ${K2} integer)`,
      );
    }
  }

  async tearDown(): Promise<void> {
    if (!this.harness) {
      return;
    }
    for (const { table } of this.tables.values()) {
      await this.sql(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    }
    await this.sql(`DROP TABLE IF EXISTS ${this.parents}`).catch(() => undefined);
    await this.harness.close();
  }

  /** Whether the server can hold this kind (ICU for the nondeterministic collation). */
  available(kind: SqlKind): boolean {
    return !kind.ddl.includes(PG_CI_COLLATION) || this.icu;
  }

  kind(name: string): SqlKind {
    const kind = this.kinds.find((candidate) => candidate.name === name);
    if (!kind) {
      throw new Error(`no key kind ${JSON.stringify(name)} on ${this.db}`);
    }
    return kind;
  }

  private sql(query: string, params: unknown[] = []): Promise<any[]> {
    let position = 0;
    const text = this.db === 'postgres' ? query.replace(/\?/g, () => `$${++position}`) : query;
    return this.harness.dataSource!.query(text, params);
  }

  private param(kind: SqlKind, value: KeyValue | null): unknown {
    return value === null ? null : kind.param ? kind.param(value) : value;
  }

  private async insert(kind: SqlKind, table: string, rows: SqlRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += 30) {
      const chunk = rows.slice(start, start + 30);
      await this.sql(
        `INSERT INTO ${table} (rid, grp, flag, pid, ${K1}, ${K2}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((row) => [row.rid, row.grp, row.flag, row.pid, this.param(kind, row.k1), row.k2]),
      );
    }
  }

  private query(repository: Repository<Item>, shape: SqlShape): Repository<Item> | SelectQueryBuilder<Item> {
    const builder = () => repository.createQueryBuilder('t');
    switch (shape.type) {
      case 'repository':
        return repository;
      case 'or':
        // Parameter names a helper might use itself.
        return builder().where('t.grp = :after OR t.flag = :cursor', {
          after: shape.grp,
          cursor: shape.flag,
        });
      case 'orWhere':
        return builder().where('t.grp = :grp', { grp: shape.grp }).orWhere('t.flag = :flag', { flag: shape.flag });
      case 'in':
        return builder().where('t.grp IN (:...groups)', { groups: shape.groups }).andWhere('(t.flag = :last OR t.pid = :pid)', {
          last: shape.flag,
          pid: shape.pid,
        });
      case 'join':
        return builder().innerJoin(this.Parent.options.name, 'p', 'p.id = t.pid').where('p.kind = :kind OR t.flag = :flag', {
          kind: shape.kind,
          flag: shape.flag,
        });
      case 'brackets':
        // The caller's own brackets, an OR inside, and parameters set apart from the condition.
        return builder()
          .where(new Brackets((inner) => inner.where('t.grp = :grp').orWhere('t.flag = :flag')))
          .setParameters({ grp: shape.grp, flag: shape.flag });
      case 'ordered':
        // The caller's own ordering, which the key's replaces.
        return builder().where('t.grp <> :grp', { grp: shape.grp }).orderBy('t.grp', 'DESC').addOrderBy('t.rid', 'DESC');
      case 'not-null':
        // NULL keys left out by the query itself: a helper may refuse them anyway, or page the rest.
        return builder().where('t.k1 IS NOT NULL AND (t.k2 IS NOT NULL OR t.flag = :flag)', { flag: shape.flag });
    }
  }

  private async unpaged(repository: Repository<Item>, shape: SqlShape): Promise<number[]> {
    const query = this.query(repository, shape);
    const items = 'getMany' in query ? await query.getMany() : await query.find();
    return items.map((item) => Number(item.rid)).sort((a, b) => a - b);
  }

  /** Runs one case; null when the contract held, else what broke. */
  async run(kindName: string, sample: SqlCase): Promise<string | null> {
    const kind = this.kind(kindName);
    const { table, entity } = this.tables.get(kind.name)!;
    const dataSource: DataSource = this.harness.dataSource!;
    const repository = dataSource.getRepository(entity);
    await this.sql(`DELETE FROM ${table}`);
    await this.insert(kind, table, sample.rows);

    const expected = await this.unpaged(repository, sample.shape);
    const keyParts = sample.key.split(',');
    return runCase<Item, Extract<SqlChange, { op: 'insert' }>>({
      label: `${kind.name} on ${this.db}`,
      expected,
      expectation: await this.expectation(table, sample.key, new Set(expected)),
      collection: () => typeormKeyset(this.query(repository, sample.shape), { key: keyParts.length === 1 ? keyParts[0] : keyParts, plain: sample.plain }),
      ridOf: (item) => Number(item.rid),
      size: sample.size,
      pauseAfter: sample.pauseAfter,
      changes: sample.changes,
      distributed: sample.distributed,
      deleteRow: async (rid) => {
        await this.sql(`DELETE FROM ${table} WHERE rid = ?`, [rid]);
      },
      insertRow: async (change, rid, last) => {
        // Only a key no row has (as the database compares), so that the data stays as it was.
        const same =
          sample.key === 'k1,rid'
            ? []
            : sample.key === 'k1,k2'
              ? await this.sql(`SELECT rid FROM ${table} WHERE ${K1} = ? AND ${K2} = ?`, [this.param(kind, change.k1), change.k2])
              : await this.sql(`SELECT rid FROM ${table} WHERE ${K1} = ?`, [this.param(kind, change.k1)]);
        if (same.length > 0) {
          return null;
        }
        await this.insert(kind, table, [{ rid, grp: change.grp, flag: change.flag, pid: change.pid, k1: change.k1, k2: change.k2 }]);
        const part = sample.key === 'k1' ? '' : sample.key === 'k1,rid' ? 'rid' : K2;
        const compare = part === '' ? `a.${K1} > c.${K1}` : `(a.${K1}, a.${part}) > (c.${K1}, c.${part})`;
        const after = await this.sql(`SELECT a.rid FROM ${table} a, ${table} c WHERE a.rid = ? AND c.rid = ? AND ${compare}`, [rid, Number(last.rid)]);
        return after.length > 0 ? 'ahead' : 'behind';
      },
      unpaged: () => this.unpaged(repository, sample.shape),
    });
  }

  /** What the database says of the key: NULLs, and pairs of rows whose keys it holds equal. */
  private async expectation(table: string, key: SqlKey, inQuery: Set<number>): Promise<Expectation> {
    const nulls = (await this.sql(`SELECT rid FROM ${table} WHERE ${K1} IS NULL${key === 'k1,k2' ? ` OR ${K2} IS NULL` : ''}`)).map((row) => Number(row.rid));
    const pairs =
      key === 'k1,rid'
        ? []
        : (
            await this.sql(
              `SELECT a.rid AS a, b.rid AS b FROM ${table} a JOIN ${table} b ON a.rid < b.rid AND a.${K1} = b.${K1}${key === 'k1,k2' ? ` AND a.${K2} = b.${K2}` : ''}`,
            )
          ).map((row) => [Number(row.a), Number(row.b)] as const);
    const nullsInQuery = nulls.filter((rid) => inQuery.has(rid));
    const pairsInQuery = pairs.filter(([a, b]) => inQuery.has(a) && inQuery.has(b));
    const why: string[] = [];
    if (nullsInQuery.length > 0) why.push(`NULL keys in rows ${nullsInQuery.join(', ')}`);
    if (pairsInQuery.length > 0) why.push(`equal keys in rows ${pairsInQuery.map((pair) => pair.join('=')).join(', ')}`);
    if (nulls.length > nullsInQuery.length || pairs.length > pairsInQuery.length) why.push('NULL or equal keys outside the query');
    return {
      refusalRequired: nullsInQuery.length > 0 || pairsInQuery.length > 0,
      refusalAllowed: nulls.length > 0 || pairs.length > 0,
      why: why.join('; '),
    };
  }
}
