import fc from 'fast-check';
import type { EntitySchemaColumnOptions, ValueTransformer } from 'typeorm';

export type SqlDb = 'sqlite' | 'postgres' | 'mysql';

/** A key value as generated: what the row holds, in the form the database is given it. */
export type KeyValue = string | number;

/**
 * A type of key column on one database: its DDL, the entity column TypeORM maps it with, a
 * generator of values (from a small domain, so that equal values come up), and how a value is
 * bound when rows are written by hand.
 */
export interface SqlKind {
  name: string;
  db: SqlDb;
  /** Column type in CREATE TABLE, collation included. */
  ddl: string;
  column: EntitySchemaColumnOptions;
  value: fc.Arbitrary<KeyValue>;
  /** The value as a parameter of the raw INSERT. */
  param?: (value: KeyValue) => unknown;
  /** A key that JavaScript reads to the millisecond, compared on wall-clock time: runs in the time-zone suite too. */
  timestamp?: boolean;
}

/** 16 bytes of a uuid as BINARY(16)/BLOB, and back: an app's own transformer. */
export const uuidBytes: ValueTransformer = {
  to: (value: unknown) => (typeof value === 'string' ? Buffer.from(value.replace(/-/g, ''), 'hex') : value),
  from: (value: unknown) => {
    if (!Buffer.isBuffer(value)) {
      return value;
    }
    const hex = value.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
};

const TWO_53 = 2n ** 53n;

const integer = fc.integer({ min: -40, max: 40 });
// Near 2^53 and near the ends of a signed 64-bit integer: a double cannot tell them apart.
const bigint = fc.tuple(fc.constantFrom(TWO_53, -TWO_53, 2n ** 62n), fc.bigInt({ min: -12n, max: 12n })).map(([base, offset]) => (base + offset).toString());
// 14 integer digits and 6 decimals: two values a millionth apart are one double.
const decimal = fc
  .tuple(fc.constantFrom('12345678901234', '99999999999999', '0', '-12345678901234'), fc.integer({ min: 0, max: 12 }))
  .map(([whole, micro]) => `${whole}.${String(micro).padStart(6, '0')}`);
// uuids whose first bytes differ little, so that their order is decided byte by byte.
const uuid = fc
  .tuple(fc.constantFrom('00', '7f', '80', 'ff'), fc.integer({ min: 0, max: 40 }), fc.uuid())
  .map(([high, n, rest]) => `${high}${n.toString(16).padStart(6, '0')}${rest.slice(8)}`.toLowerCase());
// Letters that differ only in case or accent, an expansion (ß), and trailing spaces (PAD SPACE).
const text = fc.string({
  unit: fc.constantFrom('a', 'A', 'á', 'b', 'B', 'e', 'é', 'É', 's', 'ß', 'z', ' '),
  minLength: 0,
  maxLength: 3,
});

/** Wall-clock times around daylight-saving transitions of America/New_York and Europe/Berlin, and ordinary ones. */
const TRANSITIONS = [
  '2026-03-08 02:00:00', // New York: spring forward (02:00-03:00 does not exist there)
  '2026-11-01 01:00:00', // New York: fall back (01:00-02:00 comes twice)
  '2026-03-29 02:00:00', // Berlin: spring forward
  '2026-10-25 02:00:00', // Berlin: fall back
  '2026-03-08 06:30:00', // the New York transitions in UTC
  '2026-11-01 05:30:00',
  '2026-07-01 12:00:00',
];

/** A timestamp as text, `YYYY-MM-DD HH:MM:SS.ffffff`, to `digits` fractional digits. */
export function timestampValue(digits: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -2, max: 70 }), fc.integer({ min: 0, max: 999_999 }), fc.boolean())
    .map(([base, minutes, micros, whole]) => {
      const at = new Date(`${base.replace(' ', 'T')}Z`);
      at.setUTCMinutes(at.getUTCMinutes() + minutes);
      const fraction = whole ? '0'.repeat(6) : String(micros).padStart(6, '0');
      return `${at.toISOString().slice(0, 19).replace('T', ' ')}${digits > 0 ? `.${fraction.slice(0, digits)}` : ''}`;
    });
}

const nullable = (column: EntitySchemaColumnOptions): EntitySchemaColumnOptions => ({ nullable: true, ...column });

/** Every key kind, per database. */
export function sqlKinds(db: SqlDb, options: { icu: boolean }): SqlKind[] {
  const kinds: SqlKind[] = [];
  const add = (kind: Omit<SqlKind, 'db'>) => kinds.push({ ...kind, db, column: nullable(kind.column) });
  add({
    name: 'integer',
    ddl: 'integer',
    column: { type: db === 'sqlite' ? 'integer' : 'int' },
    value: integer,
  });
  add({
    name: 'bigint past 2^53',
    ddl: 'bigint',
    column: { type: 'bigint' },
    value: bigint,
    param: db === 'sqlite' ? (value) => BigInt(value) : undefined,
  });
  add({
    name: 'decimal(20,6)',
    ddl: db === 'postgres' ? 'numeric(20,6)' : 'decimal(20,6)',
    column: { type: 'decimal', precision: 20, scale: 6 },
    value: decimal,
  });
  if (db === 'postgres') {
    add({
      name: 'native uuid',
      ddl: 'uuid',
      column: { type: 'uuid' },
      value: uuid,
    });
  } else {
    add({
      name: 'uuid as char(36)',
      ddl: 'char(36)',
      column: { type: 'varchar', length: 36 },
      value: uuid,
    });
    add({
      name: `uuid as ${db === 'mysql' ? 'BINARY(16)' : 'BLOB'} with a transformer`,
      ddl: db === 'mysql' ? 'binary(16)' : 'blob',
      column: {
        type: db === 'mysql' ? 'binary' : 'blob',
        length: db === 'mysql' ? 16 : undefined,
        transformer: uuidBytes,
      },
      value: uuid,
      param: (value) => uuidBytes.to(value),
    });
  }
  if (db === 'mysql') {
    add({
      name: 'text utf8mb4_general_ci',
      ddl: 'varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci',
      column: { type: 'varchar', length: 20 },
      value: text,
    });
    add({
      name: 'text utf8mb4_unicode_ci',
      ddl: 'varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      column: { type: 'varchar', length: 20 },
      value: text,
    });
    add({
      name: 'text utf8mb4_bin (PAD SPACE)',
      ddl: 'varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
      column: { type: 'varchar', length: 20 },
      value: text,
    });
  } else if (db === 'sqlite') {
    add({
      name: 'text COLLATE NOCASE',
      ddl: 'varchar(20) COLLATE NOCASE',
      column: { type: 'varchar', length: 20 },
      value: text,
    });
    add({
      name: 'text BINARY',
      ddl: 'varchar(20)',
      column: { type: 'varchar', length: 20 },
      value: text,
    });
  } else {
    if (options.icu) {
      add({
        name: 'text nondeterministic ICU (case and accent insensitive)',
        ddl: `varchar(20) COLLATE ${PG_CI_COLLATION}`,
        column: { type: 'varchar', length: 20 },
        value: text,
      });
    }
    add({
      name: 'text deterministic ICU (und-x-icu)',
      ddl: 'varchar(20) COLLATE "und-x-icu"',
      column: { type: 'varchar', length: 20 },
      value: text,
    });
  }
  for (const kind of timestampKinds(db)) {
    add(kind);
  }
  return kinds;
}

/** The nondeterministic ICU collation the PostgreSQL kinds use, created when the server has ICU. */
export const PG_CI_COLLATION = 'ap_property_ci';

function timestampKinds(db: SqlDb): Array<Omit<SqlKind, 'db'>> {
  if (db === 'postgres') {
    return [
      {
        name: 'timestamptz(6)',
        ddl: 'timestamptz(6)',
        column: { type: 'timestamptz' },
        value: timestampValue(6).map((at) => `${at}+00`),
        timestamp: true,
      },
      {
        name: 'timestamp(6) without time zone',
        ddl: 'timestamp(6)',
        column: { type: 'timestamp' },
        value: timestampValue(6),
        timestamp: true,
      },
      {
        name: 'timestamptz(3)',
        ddl: 'timestamptz(3)',
        column: { type: 'timestamptz', precision: 3 },
        value: timestampValue(3).map((at) => `${at}+00`),
        timestamp: true,
      },
    ];
  }
  if (db === 'mysql') {
    return [
      {
        name: 'datetime(6)',
        ddl: 'datetime(6)',
        column: { type: 'datetime', precision: 6 },
        value: timestampValue(6),
        timestamp: true,
      },
      {
        name: 'datetime(3)',
        ddl: 'datetime(3)',
        column: { type: 'datetime', precision: 3 },
        value: timestampValue(3),
        timestamp: true,
      },
      {
        name: 'timestamp(6)',
        ddl: 'timestamp(6) NULL',
        column: { type: 'timestamp', precision: 6 },
        value: timestampValue(6),
        timestamp: true,
      },
    ];
  }
  // As TypeORM writes a datetime to SQLite: UTC text to the millisecond.
  return [
    {
      name: 'datetime (text)',
      ddl: 'datetime',
      column: { type: 'datetime' },
      value: timestampValue(3),
      timestamp: true,
    },
  ];
}
