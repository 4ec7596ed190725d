import { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { createTask } from '../task/create-task.rule';
import { AfterPartyStore, detectStores, parseStore, STORE_PACKAGES } from '../utils/store';
import { BatchTaskOptions } from './batch-task.schema';

/**
 * `nest g -c after-party batch-task <name>`: a batched task (`collection()` and
 * `processBatch()`, driven batch by batch by the runner) for the app's
 * database, registered in the deploy tasks module, with a spec. The skeleton
 * is TypeORM's or Mongoose's, as `--store` says or as package.json shows.
 */
export function main(options: BatchTaskOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const store = options.store === undefined ? detectStore(tree, context) : parseStore(options.store);
    // Relative to this schematic's folder.
    return createTask(options, { url: `./files/${store}` });
  };
}

/**
 * The store the app's package.json shows; typeorm when it shows neither or both.
 * Says which one it chose and why.
 */
function detectStore(tree: Tree, context: SchematicContext): AfterPartyStore {
  const found = detectStores(tree);
  if (found.length === 1) {
    context.logger.info(`${STORE_PACKAGES[found[0]]} is in package.json: making a ${found[0]} batched task.`);
    return found[0];
  }
  const { typeorm, mongoose } = STORE_PACKAGES;
  const why = found.length === 0 ? `Neither ${typeorm} nor ${mongoose} is` : `Both ${typeorm} and ${mongoose} are`;
  context.logger.info(
    `${why} in package.json: making a typeorm batched task. For a mongoose one, run ` +
      '`schematics after-party:batch-task <name> --store mongoose` (`nest g` does not pass --store).',
  );
  return 'typeorm';
}
