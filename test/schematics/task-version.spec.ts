import { formatTaskVersion, nextFreeTaskVersion } from '../../schematics/src/utils/task-version';

describe('task versions', () => {
  it('formats the UTC time as YYYYMMDDHHMMSS', () => {
    expect(formatTaskVersion(new Date('2026-11-26T09:45:12.999Z'))).toBe('20261126094512');
    expect(formatTaskVersion(new Date('2027-01-02T03:04:05+02:00'))).toBe('20270102010405');
  });

  it('uses the current second when it is free', () => {
    expect(nextFreeTaskVersion(new Date('2026-11-26T09:45:12.500Z'), new Set())).toBe('20261126094512');
  });

  it('moves on a second at a time past used versions, across minute boundaries', () => {
    const used = new Set(['20261126094559', '20261126094600']);

    expect(nextFreeTaskVersion(new Date('2026-11-26T09:45:59Z'), used)).toBe('20261126094601');
  });
});
