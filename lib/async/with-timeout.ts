/**
 * `work`, or a rejection with `message` (`no answer within <ms> ms` unless given) when it has not
 * settled by then. The timer never outlives the race; `work` itself is not cancelled (the caller
 * closes what it opened).
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
