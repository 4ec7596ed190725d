import { repeatedWarnings } from '../../lib/distribution/repeated-warnings';

describe('repeatedWarnings (batch worker errors)', () => {
  let clock = 0;
  const warn = () => repeatedWarnings(60_000, () => clock);

  beforeEach(() => {
    clock = 0;
  });

  it('logs a new message at once and holds back its repeats for the window', () => {
    const next = warn();
    expect(next('connect ECONNREFUSED 127.0.0.1:6379')).toBe('connect ECONNREFUSED 127.0.0.1:6379');
    for (let i = 0; i < 119; i++) {
      clock += 500;
      expect(next('connect ECONNREFUSED 127.0.0.1:6379')).toBeNull();
    }
    clock = 60_000;
    expect(next('connect ECONNREFUSED 127.0.0.1:6379')).toBe('connect ECONNREFUSED 127.0.0.1:6379 (119 more like it in the last 60 s)');
    clock += 1000;
    expect(next('connect ECONNREFUSED 127.0.0.1:6379')).toBeNull();
  });

  it('logs a different message at once, and the first one again once it comes back', () => {
    const next = warn();
    expect(next('a')).toBe('a');
    clock += 10;
    expect(next('b')).toBe('b');
    clock += 10;
    expect(next('a')).toBe('a');
    clock += 10;
    expect(next('a')).toBeNull();
  });

  it('a repeat after a quiet window is logged without a count', () => {
    const next = warn();
    expect(next('a')).toBe('a');
    clock += 120_000;
    expect(next('a')).toBe('a');
  });
});
