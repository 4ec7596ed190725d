import { judge, noChanges, type Expectation } from './run-collection';

/** The property suite's oracle itself: what it calls a kept contract, and what not. */
describe('keyset contract oracle (judge)', () => {
  const fine: Expectation = { refusalRequired: false, refusalAllowed: false, why: '' };
  const nulls: Expectation = { refusalRequired: true, refusalAllowed: true, why: 'NULL keys in rows 2' };

  it('accepts exactly the unpaged rows, each once, in any order', () => {
    expect(judge({ status: 'completed', processed: [3, 1, 2] }, [1, 2, 3], fine, noChanges())).toBeNull();
  });

  it('fails a run that skips a row, repeats one, or processes one the query does not return', () => {
    expect(judge({ status: 'completed', processed: [1, 3] }, [1, 2, 3], fine, noChanges())).toMatch(/skipped: rows 2/);
    expect(judge({ status: 'completed', processed: [1, 2, 2, 3] }, [1, 2, 3], fine, noChanges())).toMatch(/processed twice: rows 2/);
    expect(judge({ status: 'completed', processed: [1, 2, 3, 4] }, [1, 2, 3], fine, noChanges())).toMatch(/the query does not return: 4/);
  });

  it('holds a completed run with NULL keys to the same multiset: skipping the NULL row fails', () => {
    expect(judge({ status: 'completed', processed: [1, 3] }, [1, 2, 3], nulls, noChanges())).toMatch(/skipped: rows 2/);
  });

  it('accepts a typed refusal only where the data calls for one, and never an untyped error', () => {
    expect(judge({ status: 'refused', processed: [], error: 'NonUniqueKeyError: x' }, [1, 2], nulls, noChanges())).toBeNull();
    expect(judge({ status: 'refused', processed: [], error: 'NonUniqueKeyError: x' }, [1, 2], fine, noChanges())).toMatch(
      /refused data that keeps the contract/,
    );
    expect(judge({ status: 'crashed', processed: [], error: 'QueryFailedError: x' }, [1, 2], nulls, noChanges())).toMatch(/not a typed refusal/);
  });

  it('between batches: a row deleted before its turn must not be processed (nor missed), one inserted ahead may be, one behind must not', () => {
    const changes = { deletedUnprocessed: new Set([2]), insertedAhead: new Set([1000]), insertedBehind: new Set([1001]) };
    expect(judge({ status: 'completed', processed: [1, 3] }, [1, 2, 3], fine, changes)).toBeNull();
    expect(judge({ status: 'completed', processed: [1, 3, 1000] }, [1, 2, 3], fine, changes)).toBeNull();
    expect(judge({ status: 'completed', processed: [1, 2, 3] }, [1, 2, 3], fine, changes)).toMatch(/deleted before their turn: 2/);
    expect(judge({ status: 'completed', processed: [1, 3, 1001] }, [1, 2, 3], fine, changes)).toMatch(/inserted behind the cursor: 1001/);
  });
});
