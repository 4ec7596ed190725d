import { AfterPartyModule } from '../../lib/after-party.module';
import { milliseconds, resolveOptions } from '../../lib/config/resolve-options';
import { validateTableName } from '../../lib/config/table-name';

describe('module options', () => {
  it('applies defaults', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'staging';
    try {
      expect(resolveOptions('typeorm')).toEqual({
        store: 'typeorm',
        connectionName: undefined,
        tableName: 'after_party_runs',
        environment: 'staging',
        lockTimeout: 60_000,
        gracePeriod: 10_000,
        lockLease: 30_000,
        throttle: undefined,
        distribution: { workers: false, connection: undefined, configKey: undefined, prefix: undefined, concurrency: 4, attempts: 3, maxQueued: 1000, workerOptions: {} },
        holdBackAppJobs: true,
      });
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it.each(['users; DROP TABLE users', '1table', 'a.b.c', 'with-dash', '', 'x'.repeat(49)])('rejects the table name %p', (name) => {
    expect(() => validateTableName(name, true)).toThrow(/Invalid records table name/);
  });

  it('accepts schema-qualified names only where the store allows them', () => {
    expect(validateTableName('ops.after_party_runs', true)).toBe('ops.after_party_runs');
    expect(() => validateTableName('ops.after_party_runs', false)).toThrow(/Invalid records table name/);
  });

  it('rejects an unknown store synchronously, naming the valid ones', () => {
    expect(() => AfterPartyModule.forRoot('redis' as never)).toThrow(/Unknown after-party store "redis": use .*'typeorm'.*'mongoose'/);
  });

  it.each([['-1'], ['1.5'], ['soon'], [-3]])('rejects %p milliseconds', (value) => {
    expect(() => milliseconds('lockTimeout', value)).toThrow(/lockTimeout must be a whole number of milliseconds/);
  });

  it.each(['gracePeriod', 'lockLease', 'lockTimeout'])('refuses a %s past the 2^31-1 ms Node timers honour, naming the limit', (name) => {
    expect(() => resolveOptions('typeorm', { [name]: 30 * 24 * 3600 * 1000 })).toThrow(
      new RegExp(`^${name} is 2592000000 ms, longer than the 2147483647 ms \\(about 24\\.8 days\\) Node's timers can wait`),
    );
    expect(resolveOptions('typeorm', { [name]: 2 ** 31 - 1 })[name as 'gracePeriod']).toBe(2 ** 31 - 1);
  });

  it('takes holdBackAppJobs as true or false only', () => {
    expect(resolveOptions('typeorm', { holdBackAppJobs: false }).holdBackAppJobs).toBe(false);
    expect(() => resolveOptions('typeorm', { holdBackAppJobs: 'no' as never })).toThrow('holdBackAppJobs must be true or false, not "no".');
  });

  it('parses milliseconds from flags', () => {
    expect(milliseconds('--lock-timeout', '2500')).toBe(2500);
  });
});

describe('forRootAsync', () => {
  it('asks for a factory, a class or an existing provider', () => {
    expect(() => AfterPartyModule.forRootAsync({ store: 'typeorm' })).toThrow(/needs useFactory, useClass or useExisting/);
  });
});
