import type { MongoCase } from './mongo-case';
import type { SqlCase } from './sql-case';

/**
 * Every counterexample the property suite has found, shrunk, kept as a fixed case that
 * counterexamples.spec.ts runs every time on its store (the key kind names those of
 * sql-kinds.ts and mongo-case.ts). `found` says what failed and against which code. To add one:
 * a failing property appends it to `.tmp/property-counterexamples.jsonl`; copy its `example` here.
 */
export type Counterexample = (
  { store: 'sqlite' | 'postgres' | 'mysql'; kind: string; found: string; sample: SqlCase } | { store: 'mongo'; kind: string; found: string; sample: MongoCase }
) & {
  /** Still failing on the helpers: what fails. The case is skipped with this in its title until the fix lands (then delete it). */
  open?: string;
};

export const COUNTEREXAMPLES: Counterexample[] = [
  {
    store: 'sqlite',
    kind: 'integer',
    found:
      'refused data that keeps the contract: UnorderedKeysError: its collection returned the key -2 after 1, out of order. (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: 0 },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 2, k1: -1 },
        { rid: 3, grp: 0, flag: 0, pid: 0, k2: 2, k1: 2 },
        { rid: 4, grp: 1, flag: 1, pid: 1, k2: 1, k1: 1 },
        { rid: 5, grp: 2, flag: 0, pid: 1, k2: 1, k1: -2 },
        { rid: 6, grp: 1, flag: 1, pid: 0, k2: 0, k1: -3 },
        { rid: 7, grp: 3, flag: 1, pid: 2, k2: 1, k1: 3 },
        { rid: 8, grp: 0, flag: 0, pid: 2, k2: 1, k1: -4 },
      ],
      shape: { type: 'join', kind: 'y', flag: 0 },
      plain: true,
      size: 5,
      pauseAfter: [],
      changes: [
        { after: 10, op: 'delete', pick: 30 },
        { after: 9, op: 'delete', pick: 16 },
      ],
    },
  },
  {
    store: 'mongo',
    kind: 'UUID (binary subtype 4)',
    found: "the run failed with an error that is not a typed refusal: Error: Can't use $gt with UUID. (in the helpers before the keyset fixes (a165d35))",
    sample: {
      rows: [
        {
          rid: 1,
          grp: 1,
          flag: 0,
          pid: 3,
          k: { t: 'uuid', v: '00000000-0000-1000-8000-000000000000' },
        },
        {
          rid: 2,
          grp: 3,
          flag: 1,
          pid: 3,
          k: { t: 'uuid', v: '00000000-0000-1000-8000-000000000001' },
        },
        {
          rid: 3,
          grp: 1,
          flag: 1,
          pid: 1,
          k: { t: 'uuid', v: '00000000-0000-1000-8000-000000000002' },
        },
        {
          rid: 4,
          grp: 1,
          flag: 0,
          pid: 1,
          k: { t: 'uuid', v: '00000000-0000-1000-8000-000000000008' },
        },
      ],
      shape: { type: 'key-present' },
      size: 3,
      pauseAfter: [9],
      changes: [
        {
          after: 5,
          op: 'insert',
          k: { t: 'uuid', v: '13b40ae5-17cb-6908-81f3-8a035f14dab8' },
          grp: 0,
          flag: 0,
          pid: 3,
        },
      ],
    },
  },
  {
    store: 'sqlite',
    kind: 'bigint past 2^53',
    found:
      'refused data that keeps the contract: UnorderedKeysError: its collection returned the key [4611686018427388000,1] after [4611686018427388000,2], out of order. (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1,rid',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '4611686018427387904' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '4611686018427387903' },
      ],
      shape: { type: 'join', kind: 'y', flag: 0 },
      plain: false,
      size: 4,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mongo',
    kind: 'mixed BSON types (Schema.Types.Mixed)',
    found:
      'completed with another multiset than the unpaged query (6 rows; the data: keys of types string, date, number, bool): skipped: rows 2 (in the helpers before the keyset fixes (a165d35))',
    sample: {
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k: { t: 'string', v: 'b' } },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k: { t: 'date', v: '2026-03-08T07:00:00.000Z' },
        },
        { rid: 3, grp: 0, flag: 0, pid: 0, k: { t: 'int', v: 0 } },
        { rid: 4, grp: 0, flag: 0, pid: 0, k: { t: 'string', v: '' } },
        { rid: 5, grp: 0, flag: 0, pid: 0, k: { t: 'bool', v: false } },
        { rid: 6, grp: 0, flag: 0, pid: 0, k: { t: 'string', v: 'a' } },
      ],
      shape: { type: 'all' },
      size: 5,
      pauseAfter: [9],
      changes: [
        {
          after: 1,
          op: 'insert',
          k: { t: 'date', v: '2026-03-08T06:52:00.172Z' },
          grp: 0,
          flag: 1,
          pid: 0,
        },
        {
          after: 3,
          op: 'insert',
          k: { t: 'date', v: '2026-11-01T07:28:00.291Z' },
          grp: 0,
          flag: 1,
          pid: 0,
        },
        {
          after: 10,
          op: 'insert',
          k: { t: 'date', v: '2026-03-29T01:03:00.401Z' },
          grp: 3,
          flag: 0,
          pid: 2,
        },
      ],
    },
  },
  {
    store: 'sqlite',
    kind: 'decimal(20,6)',
    found:
      'refused data that keeps the contract: UnorderedKeysError: its collection returned the key [-12345678901234,4] after [12345678901234,3], out of order. (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1,rid',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '12345678901234.000000' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '0.000000' },
        { rid: 3, grp: 0, flag: 0, pid: 0, k2: 0, k1: '12345678901234.000001' },
        {
          rid: 4,
          grp: 0,
          flag: 0,
          pid: 1,
          k2: 0,
          k1: '-12345678901234.000000',
        },
        { rid: 5, grp: 0, flag: 0, pid: 0, k2: 0, k1: '99999999999999.000000' },
      ],
      shape: { type: 'join', kind: 'y', flag: 0 },
      plain: false,
      size: 4,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'uuid as char(36)',
    found: 'completed with another multiset than the unpaged query (5 rows): processed twice: rows 1 (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 3,
          flag: 1,
          pid: 0,
          k2: 1,
          k1: '00000000-0000-1000-8000-000000000000',
        },
        {
          rid: 2,
          grp: 1,
          flag: 0,
          pid: 2,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000001',
        },
        {
          rid: 3,
          grp: 1,
          flag: 1,
          pid: 1,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000002',
        },
        {
          rid: 4,
          grp: 2,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000003',
        },
        {
          rid: 5,
          grp: 1,
          flag: 1,
          pid: 0,
          k2: 1,
          k1: '00000000-0000-1000-8000-000000000004',
        },
        {
          rid: 6,
          grp: 2,
          flag: 0,
          pid: 1,
          k2: 0,
          k1: '00000000-0000-1000-8000-0000000001aa',
        },
        {
          rid: 7,
          grp: 2,
          flag: 0,
          pid: 3,
          k2: 1,
          k1: '7f00000c-e98f-2442-be79-24decc45cfb1',
        },
      ],
      shape: { type: 'or', grp: 3, flag: 0 },
      plain: false,
      size: 4,
      pauseAfter: [7, 3, 1],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'datetime (text)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key {"@date":"2026-03-08T02:00:00.000Z"} twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:01:00.000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'integer',
    found:
      'refused data that keeps the contract: UnorderedKeysError: its collection returned the key -2 after 1, out of order. (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: 0 },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: 2 },
        { rid: 3, grp: 0, flag: 0, pid: 0, k2: 0, k1: 1 },
        { rid: 4, grp: 0, flag: 0, pid: 0, k2: 0, k1: -1 },
        { rid: 5, grp: 0, flag: 0, pid: 1, k2: 0, k1: -2 },
        { rid: 6, grp: 0, flag: 0, pid: 0, k2: 0, k1: -3 },
      ],
      shape: { type: 'join', kind: 'y', flag: 0 },
      plain: true,
      size: 5,
      pauseAfter: [],
      changes: [
        { after: 10, op: 'delete', pick: 30 },
        { after: 9, op: 'delete', pick: 16 },
      ],
    },
  },
  {
    store: 'postgres',
    kind: 'bigint past 2^53',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key "9007199254740992" twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740992' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '4611686018427387904' },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'decimal(20,6)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key "12345678901234.000000" twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '12345678901234.000000' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '99999999999999.000000' },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'text nondeterministic ICU (case and accent insensitive)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key "e" twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 1, pid: 0, k2: 0, k1: 's' },
        { rid: 2, grp: 0, flag: 1, pid: 0, k2: 0, k1: '' },
        { rid: 3, grp: 0, flag: 1, pid: 0, k2: 0, k1: 'a' },
        { rid: 4, grp: 2, flag: 0, pid: 0, k2: 0, k1: 'e' },
      ],
      shape: { type: 'or', grp: 2, flag: 1 },
      plain: false,
      size: 3,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'text deterministic ICU (und-x-icu)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key "e" twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 1, pid: 0, k2: 0, k1: 's' },
        { rid: 2, grp: 0, flag: 1, pid: 0, k2: 0, k1: '' },
        { rid: 3, grp: 0, flag: 1, pid: 0, k2: 0, k1: 'a' },
        { rid: 4, grp: 2, flag: 0, pid: 0, k2: 0, k1: 'e' },
      ],
      shape: { type: 'or', grp: 2, flag: 1 },
      plain: false,
      size: 3,
      pauseAfter: [2],
      changes: [
        { after: 9, op: 'insert', k1: '', k2: 0, grp: 3, flag: 1, pid: 1 },
        { after: 8, op: 'insert', k1: 's', k2: 1, grp: 2, flag: 0, pid: 2 },
        { after: 9, op: 'insert', k1: 'éAa', k2: 0, grp: 3, flag: 0, pid: 2 },
      ],
    },
  },
  {
    store: 'postgres',
    kind: 'timestamptz(6)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key {"@date":"2026-03-08T02:00:00.000Z"} twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000+00',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000001+00',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'timestamp(6) without time zone',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key {"@date":"2026-03-08T02:00:00.000Z"} twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000001',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'timestamptz(3)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key {"@date":"2026-03-08T02:00:00.000Z"} twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000+00',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:01:00.000+00',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'integer',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key -1 twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: 0 },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: -1 },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'bigint past 2^53',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key "9007199254740992" twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740992' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '4611686018427387904' },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'decimal(20,6)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key "12345678901234.000000" twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '12345678901234.000000' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '99999999999999.000000' },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'uuid as char(36)',
    found: 'completed with another multiset than the unpaged query (5 rows): processed twice: rows 1 (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 3,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000001',
        },
        {
          rid: 3,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000002',
        },
        {
          rid: 4,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000003',
        },
        {
          rid: 5,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000004',
        },
      ],
      shape: { type: 'or', grp: 3, flag: 0 },
      plain: false,
      size: 4,
      pauseAfter: [7, 3, 1],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'uuid as BINARY(16) with a transformer',
    found: 'completed with another multiset than the unpaged query (2 rows): skipped: rows 2 (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000000',
        },
      ],
      shape: { type: 'repository' },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'datetime(6)',
    found:
      'refused data that keeps the contract: UnorderedKeysError: its collection returned the key [{"@date":"2026-03-08T02:00:00.000Z"},1] after [{"@date":"2026-03-08T02:00:00.000Z"},2], out of order. (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000001',
        },
        {
          rid: 3,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:01:00.000000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 2,
      pauseAfter: [11],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'datetime(3)',
    found:
      'refused data that keeps the contract: UnorderedKeysError: its collection returned the key [{"@date":"2026-03-08T02:00:00.000Z"},1] after [{"@date":"2026-03-08T02:00:00.001Z"},2], out of order. (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.001',
        },
        {
          rid: 3,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:01:00.000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 2,
      pauseAfter: [11],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'timestamp(6)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key {"@date":"2026-03-08T02:00:00.000Z"} twice in a row (or a page did not start after its cursor). (in the helpers before the keyset fixes (a165d35))',
    sample: {
      key: 'k1',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000001',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'integer',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key -1 twice in a row (or a page did not start after its cursor). (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: 0 },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: -1 },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'bigint past 2^53',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key 9007199254740991 twice in a row (or a page did not start after its cursor). (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740992' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740991' },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'decimal(20,6)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key 12345678901234 twice in a row (or a page did not start after its cursor). (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '12345678901234.000000' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '99999999999999.000000' },
      ],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'uuid as char(36)',
    found:
      'refused data that keeps the contract: NonUniqueKeyError: its collection returned the key "00000000-0000-1000-8000-000000000001" twice in a row (or a page did not start after its cursor). (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1',
      rows: [
        {
          rid: 1,
          grp: 3,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000001',
        },
        {
          rid: 3,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '00000000-0000-1000-8000-000000000002',
        },
      ],
      shape: { type: 'or', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'text COLLATE NOCASE',
    found:
      'completed with another multiset than the unpaged query (5 rows; the data: NULL keys in rows 1; NULL or equal keys outside the query): processed twice: rows 4, 7 (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 1, pid: 0, k2: 0, k1: null },
        { rid: 2, grp: 0, flag: 1, pid: 0, k2: 0, k1: 'a' },
        { rid: 3, grp: 0, flag: 1, pid: 0, k2: 0, k1: 's' },
        { rid: 4, grp: 2, flag: 0, pid: 0, k2: 0, k1: '' },
        { rid: 5, grp: 0, flag: 0, pid: 0, k2: 0, k1: 'a' },
        { rid: 6, grp: 0, flag: 0, pid: 0, k2: 0, k1: 'aa' },
        { rid: 7, grp: 2, flag: 0, pid: 0, k2: 0, k1: 'e' },
      ],
      shape: { type: 'or', grp: 2, flag: 1 },
      plain: false,
      size: 4,
      pauseAfter: [2],
      changes: [
        { after: 9, op: 'insert', k1: '', k2: 0, grp: 3, flag: 1, pid: 1 },
        { after: 8, op: 'insert', k1: 's', k2: 1, grp: 2, flag: 0, pid: 2 },
        { after: 9, op: 'insert', k1: 'éAa', k2: 0, grp: 3, flag: 0, pid: 2 },
      ],
    },
  },
  {
    store: 'sqlite',
    kind: 'text BINARY',
    found:
      'completed with another multiset than the unpaged query (5 rows; the data: NULL keys in rows 1; NULL or equal keys outside the query): processed twice: rows 4, 7 (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 1, pid: 0, k2: 0, k1: null },
        { rid: 2, grp: 0, flag: 1, pid: 0, k2: 0, k1: 'a' },
        { rid: 3, grp: 0, flag: 1, pid: 0, k2: 0, k1: 's' },
        { rid: 4, grp: 2, flag: 0, pid: 0, k2: 0, k1: '' },
        { rid: 5, grp: 0, flag: 0, pid: 0, k2: 0, k1: 'a' },
        { rid: 6, grp: 0, flag: 0, pid: 0, k2: 0, k1: 'aa' },
        { rid: 7, grp: 2, flag: 0, pid: 0, k2: 0, k1: 'e' },
      ],
      shape: { type: 'or', grp: 2, flag: 1 },
      plain: false,
      size: 4,
      pauseAfter: [2],
      changes: [
        { after: 9, op: 'insert', k1: '', k2: 0, grp: 3, flag: 1, pid: 1 },
        { after: 8, op: 'insert', k1: 's', k2: 1, grp: 2, flag: 0, pid: 2 },
        { after: 9, op: 'insert', k1: 'éAa', k2: 0, grp: 3, flag: 0, pid: 2 },
      ],
    },
  },
  {
    store: 'sqlite',
    kind: 'datetime (text)',
    found:
      'refused data that keeps the contract: UnorderedKeysError: its collection returned the key [{"@date":"2026-03-08T02:00:00.000Z"},1] after [{"@date":"2026-03-08T02:00:00.001Z"},2], out of order. (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000',
        },
        {
          rid: 2,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.001',
        },
        {
          rid: 3,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:01:00.000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 2,
      pauseAfter: [11],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'bigint past 2^53',
    found: 'completed with another multiset than the unpaged query (5 rows): processed twice: rows 3 (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740992' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740991' },
        { rid: 3, grp: 0, flag: 0, pid: 3, k2: 0, k1: '9007199254740990' },
        { rid: 4, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740993' },
        { rid: 5, grp: 0, flag: 0, pid: 0, k2: 0, k1: '4611686018427387904' },
      ],
      shape: { type: 'join', kind: 'y', flag: 0 },
      plain: false,
      size: 4,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'decimal(20,6)',
    found: 'completed with another multiset than the unpaged query (5 rows): processed twice: rows 4 (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        { rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '12345678901234.000000' },
        { rid: 2, grp: 0, flag: 0, pid: 0, k2: 0, k1: '0.000000' },
        { rid: 3, grp: 0, flag: 0, pid: 0, k2: 0, k1: '12345678901234.000001' },
        {
          rid: 4,
          grp: 0,
          flag: 0,
          pid: 1,
          k2: 0,
          k1: '-12345678901234.000000',
        },
        { rid: 5, grp: 0, flag: 0, pid: 0, k2: 0, k1: '99999999999999.000000' },
      ],
      shape: { type: 'join', kind: 'y', flag: 0 },
      plain: false,
      size: 4,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'text nondeterministic ICU (case and accent insensitive)',
    found:
      'completed with another multiset than the unpaged query (5 rows; the data: NULL keys in rows 1; NULL or equal keys outside the query): processed twice: rows 4, 7; skipped: rows 1 (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1',
      rows: [
        { rid: 1, grp: 0, flag: 1, pid: 0, k2: 0, k1: null },
        { rid: 2, grp: 0, flag: 1, pid: 0, k2: 0, k1: 'a' },
        { rid: 3, grp: 0, flag: 1, pid: 0, k2: 0, k1: 's' },
        { rid: 4, grp: 2, flag: 0, pid: 0, k2: 0, k1: '' },
        { rid: 5, grp: 0, flag: 0, pid: 0, k2: 0, k1: 'a' },
        { rid: 6, grp: 0, flag: 0, pid: 0, k2: 0, k1: 'aa' },
        { rid: 7, grp: 2, flag: 0, pid: 0, k2: 0, k1: 'e' },
      ],
      shape: { type: 'or', grp: 2, flag: 1 },
      plain: false,
      size: 4,
      pauseAfter: [2],
      changes: [
        { after: 9, op: 'insert', k1: '', k2: 0, grp: 3, flag: 1, pid: 1 },
        { after: 8, op: 'insert', k1: 's', k2: 1, grp: 2, flag: 0, pid: 2 },
        { after: 9, op: 'insert', k1: 'éAa', k2: 0, grp: 3, flag: 0, pid: 2 },
      ],
    },
  },
  {
    store: 'sqlite',
    kind: 'bigint past 2^53',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [{ rid: 1, grp: 0, flag: 0, pid: 0, k2: 0, k1: '9007199254740992' }],
      shape: { type: 'join', kind: 'x', flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'sqlite',
    kind: 'datetime (text)',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'timestamptz(6)',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000+00',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'timestamp(6) without time zone',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'postgres',
    kind: 'timestamptz(3)',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000+00',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'datetime(6)',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'datetime(3)',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mysql',
    kind: 'timestamp(6)',
    found:
      'completed with another multiset than the unpaged query (1 rows): skipped: rows 1; processed rows the query does not return: NaN (in the working tree while the fixes were being made)',
    sample: {
      key: 'k1,rid',
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k2: 0,
          k1: '2026-03-08 02:00:00.000000',
        },
      ],
      shape: { type: 'orWhere', grp: 0, flag: 0 },
      plain: false,
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mongo',
    kind: 'UUID (binary subtype 4)',
    found:
      'refused data that keeps the contract: MongoUnsupportedKeyTypeError: mongooseKeyset: the key "k" of <collection> holds binData values; keyset pages step by numbers, strings, ObjectIds, dates or boolean (in the working tree while the fixes were being made)',
    sample: {
      rows: [
        {
          rid: 1,
          grp: 0,
          flag: 0,
          pid: 0,
          k: { t: 'uuid', v: '00000000-0000-1000-8000-000000000000' },
        },
      ],
      shape: { type: 'key-present' },
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
  {
    store: 'mongo',
    kind: 'int64 past 2^53 (Schema.Types.BigInt)',
    found:
      'refused data that keeps the contract: MongoKeyCastMismatchError: the schema\'s setters change a cursor of the key "k" from 9007199254740992 to {"@bigint":"9007199254740992"} (a long of 2^53 read back as a number; in 3c45737)',
    sample: {
      rows: [{ rid: 1, grp: 0, flag: 0, pid: 0, k: { t: 'long', v: '9007199254740992' } }],
      shape: { type: 'all' },
      size: 1,
      pauseAfter: [],
      changes: [],
    },
  },
];
