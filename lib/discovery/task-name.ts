/**
 * The name of a task whose decorator sets none: `BackfillUserSlugsTask` → `backfill-user-slugs`.
 * Digits stay on the word before them (`Sync3dModelsTask` → `sync3d-models`). Generated tasks
 * state their name, so this applies to hand-written classes only.
 */
export function defaultTaskName(className: string): string {
  const base = className.replace(/Task$/, '') || className;
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}
