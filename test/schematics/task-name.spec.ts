import { parseTaskName } from '../../schematics/src/utils/task-name';

describe('parseTaskName', () => {
  it.each([
    ['backfill-user-slugs', 'backfill-user-slugs', 'BackfillUserSlugsTask', 'Backfill user slugs'],
    ['BackfillUserSlugs', 'backfill-user-slugs', 'BackfillUserSlugsTask', 'Backfill user slugs'],
    ['backfill user_slugs', 'backfill-user-slugs', 'BackfillUserSlugsTask', 'Backfill user slugs'],
    ['warm-cache-task', 'warm-cache', 'WarmCacheTask', 'Warm cache'],
    ['  fix2fa ', 'fix2fa', 'Fix2faTask', 'Fix2fa'],
  ])('turns %p into %p, %p and %p', (raw, fileSlug, className, sentence) => {
    expect(parseTaskName(raw)).toEqual({ fileSlug, className, sentence });
  });

  it.each([undefined, '', '   '])('refuses an empty name (%p)', (raw) => {
    expect(() => parseTaskName(raw)).toThrow(/needs a name/);
  });

  it.each(['..', '../x', 'a/b', 'a\\b', 'a..b'])('refuses a path (%p)', (raw) => {
    expect(() => parseTaskName(raw)).toThrow(/contains a path/);
  });

  it.each(['1st-run', 'émoji', 'a.b', 'x$', '---'])('refuses what cannot be a class name (%p)', (raw) => {
    expect(() => parseTaskName(raw)).toThrow(/cannot become a class name/);
  });
});
