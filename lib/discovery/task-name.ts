/** `BackfillUserSlugsTask` → `backfill-user-slugs`. */
export function defaultTaskName(className: string): string {
  const base = className.replace(/Task$/, '') || className;
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}
