/**
 * Freezes the schematics' clock (which reads Date.now) at an ISO instant.
 * Undo it with `jest.restoreAllMocks()`.
 */
export function freezeClock(iso: string): void {
  const millis = Date.parse(iso);
  jest.spyOn(Date, 'now').mockReturnValue(millis);
}
