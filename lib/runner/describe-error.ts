/** A task error as stored in the record: the message of an Error, or a description of any other thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message || error.name;
  }
  let shown: string;
  try {
    shown = JSON.stringify(error) ?? String(error);
  } catch {
    shown = String(error);
  }
  return `A non-Error value was thrown: ${shown}. Throw an Error to get a message and stack trace.`;
}
