import { Test, type TestingModule } from '@nestjs/testing';
import { AfterPartyTask, type BatchedTask, type KeysetCollection } from '../../lib';
import { refuseUnorderedKeys } from '../../lib/batch/key-order';
import { AfterPartyTester, AfterPartyTestingModule } from '../../lib/testing';

/** Items as a database holds them: times to the microsecond, ordered by (time, id). */
interface Row {
  id: number;
  micros: number;
}

const processed: number[] = [];

/**
 * A collection over a timestamp that keeps microseconds, read into JavaScript as a Date (to the
 * millisecond), as TypeORM reads a PostgreSQL timestamptz: the cursor saved after a page falls
 * behind its last row, so the database returns rows of that page again.
 */
function microsecondTimes(rows: Row[]): KeysetCollection<Row, [Date, number]> {
  const ordered = [...rows].sort((a, b) => a.micros - b.micros || a.id - b.id);
  return {
    page: async (after, limit) =>
      ordered
        .filter((row) => after === undefined || row.micros > after[0].getTime() * 1000 || (row.micros === after[0].getTime() * 1000 && row.id > after[1]))
        .slice(0, limit),
    cursorOf: (row) => [new Date(Math.floor(row.micros / 1000)), row.id],
  };
}

// Within one millisecond, microseconds in another order than ids.
const rows: Row[] = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, micros: 1_767_225_600_000_000 + (((i + 1) * 37) % 1000) }));

@AfterPartyTask({ version: '20260101000001', batch: { size: 10 } })
class MicrosecondKeyTask implements BatchedTask<Row, [Date, number]> {
  collection(): KeysetCollection<Row, [Date, number]> {
    return microsecondTimes(rows);
  }
  async processBatch(items: Row[]): Promise<void> {
    processed.push(...items.map((row) => row.id));
  }
}

describe('batched tasks: keys JavaScript does not hold in the database order', () => {
  let moduleRef: TestingModule;

  beforeEach(async () => {
    processed.length = 0;
    moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [MicrosecondKeyTask] }).compile();
    await moduleRef.init();
  });

  afterEach(async () => {
    await moduleRef?.close();
  });

  it('fails the task with a line that names the cause before any item is processed twice', async () => {
    const record = await moduleRef.get(AfterPartyTester).run(MicrosecondKeyTask);
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/out of order\. .*Dates are read into JavaScript to the millisecond: a key column that keeps microseconds/);
    expect(new Set(processed).size).toBe(processed.length);
  });
});

describe('key order: cursors held as the database writes them', () => {
  it('never refuses keys JavaScript cannot order: the database\'s text of times, bigints and decimals, and their mix with older date cursors', () => {
    // Text order is not the value's order: '10' < '9', an offset, a shorter fraction.
    expect(() => refuseUnorderedKeys('t', '9007199254740999', ['9007199254741000', '9007199254741001'])).not.toThrow();
    expect(() => refuseUnorderedKeys('t', '9', ['10', '11'])).not.toThrow();
    expect(() => refuseUnorderedKeys('t', '2026-03-08 02:30:00.5', ['2026-03-08 02:30:00.123456', '2026-03-08 02:30:01'])).not.toThrow();
    expect(() => refuseUnorderedKeys('t', ['2026-01-01 00:00:00+00', 9], [['2026-01-01 00:00:00.000001+00', 1]])).not.toThrow();
    // A run resumed from a checkpoint an earlier version saved ({"@date": ...}) goes on with text cursors.
    expect(() => refuseUnorderedKeys('t', { '@date': '2026-01-01T00:00:01.000Z' }, ['2026-01-01 00:00:00.000001'])).not.toThrow();
    expect(() => refuseUnorderedKeys('t', [{ '@date': '2026-01-01T00:00:01.000Z' }, 5], [['2026-01-01 00:00:01', 2]])).not.toThrow();
  });

  it('still refuses a text cursor repeated, or a number part that falls under an equal text part', () => {
    expect(() => refuseUnorderedKeys('t', '2026-01-01 00:00:00', ['2026-01-01 00:00:00'])).toThrow(/returned the key "2026-01-01 00:00:00" twice in a row/);
    expect(() => refuseUnorderedKeys('t', ['2026-01-01 00:00:00', 5], [['2026-01-01 00:00:00', 4]])).toThrow(/out of order/);
  });
});
