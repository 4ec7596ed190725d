/**
 * The schematics' only source of time. It reads `Date.now()` so that tests can
 * freeze it with `jest.spyOn(Date, 'now')`.
 */
export function now(): Date {
  return new Date(Date.now());
}
