import { join, normalize } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  chain,
  mergeWith,
  move,
  noop,
  Rule,
  SchematicContext,
  SchematicsException,
  Tree,
  url,
} from '@angular-devkit/schematics';
import { NodePackageInstallTask } from '@angular-devkit/schematics/tasks';
import { now } from '../utils/clock';
import { DEPLOY_TASKS_FOLDER, ensureDeployTasksModule } from '../utils/deploy-tasks-module';
import { wireBootstrap } from '../utils/main-bootstrap';
import * as messages from '../utils/messages';
import { addToModuleMetadata } from '../utils/module-metadata';
import { ensureNamedImport } from '../utils/named-import';
import { addDependency, NEST_COMMANDER, peerRange } from '../utils/package-dependencies';
import { addPackageScripts } from '../utils/package-scripts';
import { isEsmProject, readJson, resolveSourceRoot } from '../utils/project';
import { findRootModule } from '../utils/root-module';
import { parseStore } from '../utils/store';
import { findTypeOrmMigrations, hasAfterPartyMigration } from '../utils/typeorm-migrations';
import { NestAddOptions } from './nest-add.schema';

/**
 * `nest add after-party [--store typeorm|mongoose]`: imports
 * AfterPartyModule.forRoot({ store }) and the deploy tasks module into the
 * root module, hands `after-party:*` commands to runAfterPartyCommand in
 * main.ts, adds npm scripts and, for TypeORM apps with migrations, a
 * records-table migration, and nest-commander to the dependencies when it is
 * missing (installing it unless --skipInstall). Running it again changes nothing.
 */
export function main(options: NestAddOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const store = parseStore(options.store ?? 'typeorm');
    const sourceRoot = resolveSourceRoot(tree, options.sourceRoot);
    const root = findRootModule(tree, sourceRoot);
    if (!root) {
      throw new SchematicsException(messages.rootModuleNotFound(sourceRoot));
    }
    const log = context.logger;

    ensureNamedImport(tree, root.path, 'AfterPartyModule', 'after-party');
    const imported = addToModuleMetadata(tree, root.path, {
      property: 'imports',
      element: `AfterPartyModule.forRoot({ store: '${store}' })`,
      identifier: 'AfterPartyModule',
    });
    log.info(
      imported
        ? `Imported AfterPartyModule.forRoot({ store: '${store}' }) into ${root.path}.`
        : `${root.path} already imports AfterPartyModule: left as it is.`,
    );

    const modulePath = ensureDeployTasksModule(tree, context, {
      sourceRoot,
      tasksDir: join(normalize(sourceRoot), DEPLOY_TASKS_FOLDER),
      esm: isEsmProject(tree),
    });
    log.info(`Deploy tasks are registered in ${modulePath}.`);

    wireMain(tree, context, sourceRoot, root.className);

    if (!options.skipScripts) {
      const added = addPackageScripts(tree, context);
      if (added.length > 0) log.info(`Added npm scripts: ${added.join(', ')}.`);
    }

    addNestCommander(tree, context, options.skipInstall === true);

    return chain([
      store === 'typeorm' && !options.skipMigration ? addRecordsMigration(sourceRoot) : noop(),
      () => log.info('Next: `nest g -c after-party task <name>`, then build and run `npm run after-party:run`.'),
    ]);
  };
}

/** nest-commander's first releases that accept Nest 12 (after-party's peer floor, 3.16, is for Nest 11). */
const NEST_12_COMMANDER_RANGE = '^3.21.0';

/** The major version of @nestjs/core the app depends on (0 when it cannot tell). */
function nestMajor(tree: Tree): number {
  const packageJson = readJson(tree, 'package.json');
  const range = (packageJson?.dependencies as Record<string, string> | undefined)?.['@nestjs/core'] ?? '';
  return Number(/(\d+)/.exec(range)?.[1] ?? 0);
}

/** The `after-party:*` commands run on nest-commander: the app must depend on it. */
function addNestCommander(tree: Tree, context: SchematicContext, skipInstall: boolean): void {
  const range = nestMajor(tree) >= 12 ? NEST_12_COMMANDER_RANGE : peerRange(NEST_COMMANDER);
  if (addDependency(tree, context, NEST_COMMANDER, range) !== 'added') return;
  const added = `Added ${NEST_COMMANDER}@${range} to dependencies (after-party's commands run on it)`;
  if (skipInstall) {
    context.logger.info(`${added}: install it with your package manager.`);
    return;
  }
  context.logger.info(`${added}; installing it.`);
  context.addTask(new NodePackageInstallTask());
}

function wireMain(tree: Tree, context: SchematicContext, sourceRoot: string, rootModule: string): void {
  const mainPath = join(normalize(sourceRoot), 'main.ts');
  const manual = `add \`if (await runAfterPartyCommand(${rootModule})) return;\` as the first line of your bootstrap function (import runAfterPartyCommand from 'after-party').`;
  if (!tree.exists(mainPath)) {
    context.logger.warn(`No ${mainPath} found: ${manual}`);
    return;
  }
  const result = wireBootstrap(tree, mainPath, rootModule);
  if (result === 'wired') context.logger.info(`${mainPath} now hands after-party:* commands to runAfterPartyCommand.`);
  if (result === 'no-bootstrap') context.logger.warn(`No async bootstrap() function found in ${mainPath}: ${manual}`);
}

function addRecordsMigration(sourceRoot: string): Rule {
  return (tree: Tree, context: SchematicContext) => {
    if (hasAfterPartyMigration(tree, sourceRoot)) {
      context.logger.info('The after-party records-table migration already exists: left as it is.');
      return tree;
    }
    const setup = findTypeOrmMigrations(tree, sourceRoot);
    if (!setup) {
      context.logger.info(
        'No TypeORM migrations setup found (no `migrations` option in TypeORM options: TypeOrmModule.forRoot, new DataSource, or a config file they share), so no records-table migration was added. If you add migrations later, add one holding `export class AfterPartyRecords<timestamp> extends createAfterPartyMigration() {}` (createAfterPartyMigration from `after-party/typeorm`).',
      );
      return tree;
    }
    const timestamp = now().getTime();
    context.logger.info(
      `Added the records-table migration to ${setup.migrationsDir} (migrations are configured in ${setup.configPath}); make sure your migrations setting includes it.`,
    );
    return mergeWith(
      apply(url('./files'), [
        applyTemplates({ fileName: `${timestamp}-after-party-records`, className: `AfterPartyRecords${timestamp}` }),
        move(setup.migrationsDir),
      ]),
    );
  };
}
