import { join, normalize } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  chain,
  filter,
  mergeWith,
  move,
  noop,
  Rule,
  SchematicContext,
  SchematicsException,
  Tree,
  url,
} from '@angular-devkit/schematics';
import { now } from '../utils/clock';
import { DEPLOY_TASKS_FOLDER, ensureDeployTasksModule } from '../utils/deploy-tasks-module';
import { findTaskFiles, findUsedVersions } from '../utils/existing-tasks';
import { relativeImportPath } from '../utils/import-path';
import * as messages from '../utils/messages';
import { addToModuleMetadata } from '../utils/module-metadata';
import { ensureNamedImport } from '../utils/named-import';
import { isEsmProject, resolveSourceRoot } from '../utils/project';
import { parseTaskName } from '../utils/task-name';
import { nextFreeTaskVersion } from '../utils/task-version';
import { TaskOptions } from './task.schema';

/** Which templates make a task's files, and what they need beyond the plan. */
export interface TaskTemplates {
  /**
   * Folder of the task and spec templates, relative to the running schematic's folder
   * (`url()` resolves it there), e.g. `../task/files`.
   */
  readonly url: string;
  /** Variables only these templates use, e.g. `everyDeploy`. */
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** Everything the templates and the registration need, worked out once. */
interface TaskPlan {
  readonly className: string;
  readonly description: string;
  readonly esm: boolean;
  readonly fileName: string;
  readonly sourceRoot: string;
  readonly specFileSuffix: string;
  /** The file slug, written into the decorator as `name` so the runtime never derives another. */
  readonly taskName: string;
  readonly taskPath: string;
  readonly tasksDir: string;
  readonly version: string;
}

/**
 * Creates a deploy task (and its spec) from a set of templates and registers
 * it in the deploy tasks module. Shared by the `task`, `every-deploy-task` and
 * `batch-task` schematics, which differ only in their templates.
 *
 * @throws SchematicsException, before anything is written, for a bad name or
 * path, or a name another task in the folder already uses.
 */
export function createTask(options: TaskOptions, templates: TaskTemplates): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const plan = planTask(tree, options);
    context.logger.info(`Creating deploy task ${plan.className} (version ${plan.version}).`);
    return chain([
      mergeWith(
        apply(url(templates.url), [
          options.spec === false ? filter((path) => !path.includes('__specFileSuffix__')) : noop(),
          applyTemplates({
            ...templates.variables,
            ...plan,
            quoted: quoteForSingleQuotes,
            taskImport: relativeImportPath(
              join(normalize(plan.tasksDir), `${plan.fileName}.task.${plan.specFileSuffix}.ts`),
              plan.taskPath,
              plan.esm,
            ),
          }),
          move(plan.tasksDir),
        ]),
      ),
      options.skipImport ? noop() : registerTask(plan),
    ]);
  };
}

function planTask(tree: Tree, options: TaskOptions): TaskPlan {
  if (options.language === 'js') {
    throw new SchematicsException(messages.javascriptNotSupported());
  }
  const name = parseTaskName(options.name);
  const sourceRoot = resolveSourceRoot(tree, options.sourceRoot);
  const tasksDir = resolveTasksDir(sourceRoot, options);

  const sameName = findTaskFiles(tree, tasksDir).find((task) => task.fileSlug === name.fileSlug);
  if (sameName) {
    throw new SchematicsException(messages.duplicateTaskName(name.fileSlug, sameName.path));
  }

  const description = options.description?.trim() || name.sentence;
  if (/[\r\n]/.test(description)) {
    throw new SchematicsException(messages.invalidDescription());
  }

  const version = nextFreeTaskVersion(now(), findUsedVersions(tree, sourceRoot));
  const fileName = `${version}-${name.fileSlug}`;
  return {
    className: name.className,
    description,
    esm: isEsmProject(tree),
    fileName,
    sourceRoot,
    specFileSuffix: options.specFileSuffix?.trim() || 'spec',
    taskName: name.fileSlug,
    taskPath: join(normalize(tasksDir), `${fileName}.task.ts`),
    tasksDir,
    version,
  };
}

/** `<sourceRoot>/<path>/deploy-tasks`, or without the last folder when flat. */
function resolveTasksDir(sourceRoot: string, options: TaskOptions): string {
  const path = (options.path ?? '').trim().replace(/\\/g, '/');
  if (path.split('/').includes('..') || path.startsWith('/')) {
    throw new SchematicsException(messages.pathTraversal(path));
  }
  const segments = [sourceRoot, path, options.flat ? '' : DEPLOY_TASKS_FOLDER].filter((segment) => segment !== '');
  return normalize(segments.join('/'));
}

function registerTask(plan: TaskPlan): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const modulePath = ensureDeployTasksModule(tree, context, {
      sourceRoot: plan.sourceRoot,
      tasksDir: plan.tasksDir,
      esm: plan.esm,
    });
    ensureNamedImport(tree, modulePath, plan.className, relativeImportPath(modulePath, plan.taskPath, plan.esm));
    addToModuleMetadata(tree, modulePath, {
      property: 'providers',
      element: plan.className,
      identifier: plan.className,
    });
    return tree;
  };
}

/** Escapes text for a single-quoted TypeScript string literal. */
function quoteForSingleQuotes(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
