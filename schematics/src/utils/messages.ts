/**
 * Every message the after-party schematics show, in one place. Each refusal
 * says what went wrong and how to fix it.
 */

/** The task name is missing or blank. */
export const emptyTaskName = (): string =>
  'A task needs a name: run `nest g -c after-party task <name>`, e.g. `nest g -c after-party task backfill-user-slugs`.';

/** The task name tries to leave its folder. */
export const taskNameWithPath = (name: string): string =>
  `The task name "${name}" contains a path. Give a plain name (e.g. backfill-user-slugs) and choose the folder with the path argument or --path.`;

/** The task name cannot become a TypeScript class name. */
export const invalidTaskName = (name: string): string =>
  `The task name "${name}" cannot become a class name. Use letters, digits and dashes, starting with a letter (e.g. backfill-user-slugs).`;

/** The --path option tries to leave the source root. */
export const pathTraversal = (path: string): string =>
  `The path "${path}" leaves the source root ("..") . Give a folder inside the source root, e.g. --path billing.`;

/** A task with the same name already exists in the folder. */
export const duplicateTaskName = (name: string, existingPath: string): string =>
  `A task named "${name}" already exists: ${existingPath}. Choose another name, or edit that task.`;

/** The project is a JavaScript one. */
export const javascriptNotSupported = (): string =>
  'after-party generates TypeScript deploy tasks; this project is configured with "language": "js". Write the task by hand, or set "language": "ts" in nest-cli.json.';

/** The description cannot be written into a single-line string. */
export const invalidDescription = (): string =>
  'The description must be a single line of text. Remove the line breaks from --description.';

/** The store option has a value the library does not know. */
export const unknownStore = (store: string): string =>
  `Unknown store "${store}". Use --store typeorm or --store mongoose.`;

/** The typescript package cannot be loaded. */
export const typescriptMissing = (): string =>
  'The after-party schematics edit your modules with the TypeScript compiler, which is not installed here. Run `npm i -D typescript` and try again.';

/** No root module could be found for nest-add. */
export const rootModuleNotFound = (sourceRoot: string): string =>
  `Could not find the application's root module: looked at ${sourceRoot}/main.ts (NestFactory.create(...)) and ${sourceRoot}/app.module.ts. Run the command from the application's root folder, or pass --sourceRoot.`;

/** A file that must be edited does not exist. */
export const fileNotFound = (path: string): string => `Cannot edit ${path}: the file does not exist.`;

/** A module's decorator metadata cannot be edited automatically. */
export const cannotEditModule = (modulePath: string, property: string, element: string): string =>
  `Could not add ${element} to "${property}" in ${modulePath} automatically (it is not an array literal in @Module({...})). Add it by hand.`;
