import { join, normalize } from '@angular-devkit/core';
import { SchematicContext, Tree } from '@angular-devkit/schematics';
import { relativeImportPath } from './import-path';
import { addToModuleMetadata } from './module-metadata';
import { ensureNamedImport } from './named-import';
import { findRootModule } from './root-module';

/** File name of the module that lists the application's deploy tasks. */
export const DEPLOY_TASKS_MODULE_FILE = 'deploy-tasks.module.ts';
/** Class name of that module. */
export const DEPLOY_TASKS_MODULE_CLASS = 'DeployTasksModule';
/** Default folder, under the source root, of deploy tasks. */
export const DEPLOY_TASKS_FOLDER = 'deploy-tasks';

/** Where to look for, or create, the deploy tasks module. */
export interface DeployTasksModuleLocation {
  /** The application's source root. */
  readonly sourceRoot: string;
  /** The folder where tasks are generated; a new module is created there. */
  readonly tasksDir: string;
  /** Whether relative imports need `.js` suffixes. */
  readonly esm: boolean;
}

const MODULE_SOURCE = `import { Module } from '@nestjs/common';

/**
 * The application's after-party deploy tasks. \`nest g -c after-party task <name>\`
 * adds each new task to the providers.
 */
@Module({
  providers: [],
})
export class ${DEPLOY_TASKS_MODULE_CLASS} {}
`;

/**
 * Returns the path of the deploy tasks module: the one in the tasks folder,
 * else the one elsewhere under the source root, else a new one created in the
 * tasks folder. Also makes sure the root module imports it.
 */
export function ensureDeployTasksModule(
  tree: Tree,
  context: SchematicContext,
  location: DeployTasksModuleLocation,
): string {
  const modulePath = findDeployTasksModule(tree, location) ?? createDeployTasksModule(tree, location.tasksDir);
  const root = findRootModule(tree, location.sourceRoot);
  if (!root) {
    context.logger.warn(
      `No root module found under ${location.sourceRoot}: import ${DEPLOY_TASKS_MODULE_CLASS} from ${modulePath} into your root module by hand.`,
    );
    return modulePath;
  }
  ensureNamedImport(tree, root.path, DEPLOY_TASKS_MODULE_CLASS, relativeImportPath(root.path, modulePath, location.esm));
  addToModuleMetadata(tree, root.path, {
    property: 'imports',
    element: DEPLOY_TASKS_MODULE_CLASS,
    identifier: DEPLOY_TASKS_MODULE_CLASS,
  });
  return modulePath;
}

function findDeployTasksModule(tree: Tree, location: DeployTasksModuleLocation): string | undefined {
  const inTasksDir = join(normalize(location.tasksDir), DEPLOY_TASKS_MODULE_FILE);
  if (tree.exists(inTasksDir)) return inTasksDir;
  const found: string[] = [];
  tree.getDir(location.sourceRoot).visit((path) => {
    if (path.endsWith(`/${DEPLOY_TASKS_MODULE_FILE}`)) found.push(path.replace(/^\//, ''));
  });
  return found.sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
}

function createDeployTasksModule(tree: Tree, tasksDir: string): string {
  const path = join(normalize(tasksDir), DEPLOY_TASKS_MODULE_FILE);
  tree.create(path, MODULE_SOURCE);
  return path;
}
