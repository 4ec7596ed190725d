import { Tree } from '@angular-devkit/schematics';

/** A deploy task file found in the tree. */
export interface ExistingTask {
  /** Tree path of the file. */
  readonly path: string;
  /** The version in its file name. */
  readonly version: string;
  /** The kebab-case name after the version, e.g. `backfill-user-slugs`. */
  readonly fileSlug: string;
}

const TASK_FILE = /^(\d{14})-(.+)\.task\.ts$/;
const DECORATOR_VERSION = /@AfterPartyTask\(\s*\{[^}]*?\bversion\s*:\s*['"`](\d{14})['"`]/g;

/** The task files (`<version>-<name>.task.ts`) in a folder and its subfolders. */
export function findTaskFiles(tree: Tree, dir: string): ExistingTask[] {
  const tasks: ExistingTask[] = [];
  tree.getDir(dir).visit((path) => {
    const fileName = path.slice(path.lastIndexOf('/') + 1);
    const match = TASK_FILE.exec(fileName);
    if (match) {
      tasks.push({ path: path.replace(/^\//, ''), version: match[1], fileSlug: match[2] });
    }
  });
  return tasks;
}

/**
 * Every task version used under a folder: those in task file names and those
 * written in `@AfterPartyTask({ version })` of any .ts file (so hand-named
 * files count too).
 */
export function findUsedVersions(tree: Tree, dir: string): Set<string> {
  const versions = new Set<string>();
  tree.getDir(dir).visit((path, entry) => {
    if (!path.endsWith('.ts')) return;
    const fileMatch = TASK_FILE.exec(path.slice(path.lastIndexOf('/') + 1));
    if (fileMatch) versions.add(fileMatch[1]);
    const content = (entry ?? tree.get(path))?.content.toString('utf-8') ?? '';
    for (const match of content.matchAll(DECORATOR_VERSION)) {
      versions.add(match[1]);
    }
  });
  return versions;
}
