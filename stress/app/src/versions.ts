/** The stress app's task versions: one a second from 2026-01-01 00:00:01 UTC. */
export function taskVersion(index: number): string {
  const date = new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + (index + 1) * 1000);
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The versions of the first `count` stress tasks, in order. */
export function taskVersions(count: number): string[] {
  return Array.from({ length: count }, (_, index) => taskVersion(index));
}
