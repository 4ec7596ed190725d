import { strings } from '@angular-devkit/core';
import { SchematicsException } from '@angular-devkit/schematics';
import * as messages from './messages';

/** The names derived from what the user typed as a task name. */
export interface TaskName {
  /**
   * kebab-case name used in the file name and, written into the decorator, as
   * the task's name for `after-party:run`, e.g. `backfill-user-slugs`.
   */
  readonly fileSlug: string;
  /** Class name, e.g. `BackfillUserSlugsTask`. */
  readonly className: string;
  /** A sentence made from the name, e.g. `Backfill user slugs`. */
  readonly sentence: string;
}

const KEBAB_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Validates and normalises a task name. Accepts kebab-case, camelCase,
 * PascalCase, snake_case or words separated by spaces; a trailing "task" is
 * dropped so that `backfill-task` makes `BackfillTask`, not `BackfillTaskTask`.
 *
 * @throws SchematicsException for an empty name, a name holding a path, or
 * one that cannot become a class name.
 */
export function parseTaskName(raw: string | undefined): TaskName {
  const trimmed = (raw ?? '').trim();
  if (trimmed === '') {
    throw new SchematicsException(messages.emptyTaskName());
  }
  if (/[\\/]/.test(trimmed) || trimmed.includes('..')) {
    throw new SchematicsException(messages.taskNameWithPath(trimmed));
  }
  if (!/^[A-Za-z0-9 _-]+$/.test(trimmed)) {
    throw new SchematicsException(messages.invalidTaskName(trimmed));
  }
  const dasherized = strings.dasherize(trimmed.replace(/[\s_]+/g, '-')).replace(/-+/g, '-');
  const fileSlug = dasherized.replace(/^-|-$/g, '').replace(/-task$/, '');
  if (!KEBAB_NAME.test(fileSlug)) {
    throw new SchematicsException(messages.invalidTaskName(trimmed));
  }
  const words = fileSlug.split('-');
  return {
    fileSlug,
    className: `${strings.classify(fileSlug)}Task`,
    sentence: [strings.capitalize(words[0]), ...words.slice(1)].join(' '),
  };
}
